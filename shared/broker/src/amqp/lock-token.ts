// Service Bus lock tokens are GUIDs carried as the 16-byte AMQP delivery tag in .NET's GUID byte order
// (the first three groups little-endian). Clients print the tag that way, and send the same GUID back in
// management requests as an AMQP uuid in RFC 4122 order. Both forms map to one lowercase string here.
import { randomUUID } from "node:crypto";

function swapGuidGroups(bytes: Buffer): Buffer {
  const out = Buffer.from(bytes);
  out.writeUInt32BE(bytes.readUInt32LE(0), 0);
  out.writeUInt16BE(bytes.readUInt16LE(4), 4);
  out.writeUInt16BE(bytes.readUInt16LE(6), 6);
  return out;
}

function format(rfcBytes: Buffer): string {
  const hex = rfcBytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface LockToken {
  /** The GUID string clients show and send back. */
  id: string;
  /** The delivery tag bytes (.NET order). */
  tag: Buffer;
}

export function newLockToken(): LockToken {
  // randomUUID draws from a cached entropy pool; randomBytes would make a system call per message.
  const id = randomUUID();
  return { id, tag: swapGuidGroups(Buffer.from(id.replaceAll("-", ""), "hex")) };
}

/** The lock token a management request names, given as an AMQP uuid (16 bytes, RFC order) or a string. */
export function lockTokenFromUuid(value: unknown): string | undefined {
  if (Buffer.isBuffer(value) && value.length === 16) return format(value);
  if (typeof value === "string" && /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(value))
    return value.toLowerCase();
  return undefined;
}

/** The AMQP uuid bytes (RFC order) of a lock token, for management responses. */
export function lockTokenToUuidBytes(id: string): Buffer {
  return Buffer.from(id.replaceAll("-", ""), "hex");
}

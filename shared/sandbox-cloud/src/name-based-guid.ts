// A GUID derived from a text (SHA-1, shaped as an RFC 4122 version 5 UUID): the same text always gives the
// same GUID, so an id the sandbox derives needs no storing and a repeated create finds what the first made.
import { createHash } from "node:crypto";

export function nameBasedGuid(text: string): string {
  const hash = createHash("sha1").update(text).digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

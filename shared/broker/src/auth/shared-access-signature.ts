// Shared Access Signatures as Service Bus issues and checks them:
// `SharedAccessSignature sr=<url-encoded resource>&sig=<url-encoded base64>&se=<unix seconds>&skn=<rule>`,
// where sig is HMAC-SHA256, keyed with the rule's key (its text, not decoded), over `<sr as sent>\n<se>`.
// Clients encode sr differently (JavaScript encodeURIComponent, Python quote_plus, .NET lower-case hex), so
// the signature is checked over sr exactly as it arrived, and sr is decoded only to compare resources.
import { createHmac, timingSafeEqual } from "node:crypto";

export interface SharedAccessSignature {
  /** sr as it appeared in the token: what the signature covers. */
  encodedResource: string;
  resource: ResourcePath;
  signature: string;
  /** Unix seconds. */
  expiry: number;
  keyName: string;
}

/** A resource URI reduced to what Service Bus compares: the host and the path's segments, lower-cased. */
export interface ResourcePath {
  host: string;
  segments: string[];
}

const PREFIX = "SharedAccessSignature ";

function signatureOf(key: string, encodedResource: string, expiry: string): Buffer {
  return createHmac("sha256", key).update(`${encodedResource}\n${expiry}`).digest();
}

/** Issues a token for `resource` (e.g. `sb://localhost/agent-telemetry`), as the SDKs do. */
export function createSharedAccessSignature(
  ruleName: string,
  key: string,
  resource: string,
  expiresAtSeconds: number,
): string {
  const sr = encodeURIComponent(resource);
  const sig = encodeURIComponent(signatureOf(key, sr, String(expiresAtSeconds)).toString("base64"));
  return `${PREFIX}sr=${sr}&sig=${sig}&se=${expiresAtSeconds}&skn=${encodeURIComponent(ruleName)}`;
}

/** Parses a token; undefined when it is not one (a field missing, repeated or undecodable). */
export function parseSharedAccessSignature(token: unknown): SharedAccessSignature | undefined {
  if (typeof token !== "string" || !token.startsWith(PREFIX)) return undefined;
  const fields = new Map<string, string>();
  for (const pair of token.slice(PREFIX.length).split("&")) {
    const equals = pair.indexOf("=");
    if (equals <= 0) return undefined;
    const name = pair.slice(0, equals);
    if (fields.has(name)) return undefined;
    fields.set(name, pair.slice(equals + 1));
  }
  const sr = fields.get("sr");
  const sig = fields.get("sig");
  const se = fields.get("se");
  const skn = fields.get("skn");
  if (!sr || !sig || !se || !skn || !/^\d{1,12}$/.test(se)) return undefined;
  try {
    const resource = parseResource(decodeURIComponent(sr.replaceAll("+", " ")));
    if (!resource) return undefined;
    return {
      encodedResource: sr,
      resource,
      signature: decodeURIComponent(sig),
      expiry: Number(se),
      keyName: decodeURIComponent(skn),
    };
  } catch {
    return undefined;
  }
}

/** Whether `token` was signed with `key`, compared in constant time. */
export function signedWith(token: SharedAccessSignature, key: string): boolean {
  const expected = signatureOf(key, token.encodedResource, String(token.expiry));
  const given = Buffer.from(token.signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * `sb://Host:5671/Topic/Subscriptions/S/` → host `host`, segments `topic, subscriptions, s`. The scheme and
 * port do not count (tokens are seen with sb://, amqps:// and https://); undefined when it is no URI.
 */
export function parseResource(uri: string): ResourcePath | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (!url.hostname) return undefined;
  const segments = url.pathname
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => decodeURIComponent(segment).toLowerCase());
  return { host: url.hostname.toLowerCase(), segments };
}

/** Splits an entity path (`topic/Subscriptions/s`) into lower-cased segments. */
export function pathSegments(path: string): string[] {
  return path
    .split("/")
    .filter((segment) => segment !== "")
    .map((segment) => segment.toLowerCase());
}

/** Whether `outer` is `inner` or one of its ancestors, segment by segment. */
export function coversPath(outer: readonly string[], inner: readonly string[]): boolean {
  return outer.length <= inner.length && outer.every((segment, index) => segment === inner[index]);
}

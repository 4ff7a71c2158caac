// API keys for the gateway, stored hashed: a key is `hm_<id>_<secret>`; only the id and the SHA-256 of the
// secret are kept, so a copy of the store gives nobody a working key. Keys carry a role and can be revoked.
// This is the port and the key format every adapter shares; the adapters are SQLite under the data
// directory (sqlite-api-key-store.ts, the local default) and Cosmos DB (cosmos-api-key-store.ts, shared by
// every gateway replica), chosen by apiKeyStoreFromEnv.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const ROLES = ["reader", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Whether `held` allows what `needed` allows: admin ⊃ operator ⊃ reader. */
export function roleAllows(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  revokedAt?: string;
}

export interface ApiKeyStore {
  /** Creates a key; the returned `key` is the only time its secret is ever seen. */
  create(role: Role, name: string): Promise<{ record: ApiKeyRecord; key: string }>;
  /**
   * The key's record when the key is genuine and not revoked. A revocation made through any replica
   * sharing the store is refused by the next verify on every replica.
   */
  verify(key: string): Promise<ApiKeyRecord | undefined>;
  /** Every key, live and revoked, oldest first. */
  list(): Promise<ApiKeyRecord[]>;
  /** False when there was no such live key; of two replicas revoking one key at once, one gets true. */
  revoke(id: string): Promise<boolean>;
  close(): void;
}

const KEY = /^hm_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const KEY_ID = /^[0-9a-f]{12}$/;

/** Whether `id` could name a key (mintKey's ids); anything else names none. */
export function isKeyId(id: string): boolean {
  return KEY_ID.test(id);
}

/** A new key: its id, the hash to store, and the key itself, shown once. */
export function mintKey(): { id: string; secretHash: Buffer; key: string } {
  const id = randomBytes(6).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { id, secretHash: hashOf(secret), key: `hm_${id}_${secret}` };
}

/** The id a presented key claims and the hash of its secret; undefined when it is not shaped like a key. */
export function parseKey(key: string): { id: string; secretHash: Buffer } | undefined {
  const match = KEY.exec(key);
  if (match === null) return undefined;
  const [, id, secret] = match as unknown as [string, string, string];
  return { id, secretHash: hashOf(secret) };
}

/** Whether a stored hash is the presented one, in time that does not depend on where they differ. */
export function sameHash(stored: Uint8Array, presented: Buffer): boolean {
  return stored.length === presented.length && timingSafeEqual(stored, presented);
}

function hashOf(secret: string): Buffer {
  return createHash("sha256").update(secret).digest();
}

// What every adapter of the API key port must do, as one suite run against each (SQLite, Cosmos DB on the
// emulator), including what several gateway replicas sharing one store see of each other's writes.
import { createHash } from "node:crypto";
import { describe, expect, it, onTestFinished } from "vitest";
import type { ApiKeyStore } from "./api-key-store.ts";

export interface SharedApiKeyStore {
  /** The store as one more gateway replica opens it: its own connection to the same keys. */
  replica(): Promise<ApiKeyStore>;
  /** Everything the adapter has written, as bytes, to look for secrets in. */
  stored(): Promise<Buffer>;
}

/** The secret part of `hm_<12 hex>_<secret>` (base64url, which may itself hold "_"). */
const secretOf = (key: string) => key.slice("hm_".length + 12 + "_".length);

export function describeApiKeyStoreContract(name: string, open: () => Promise<SharedApiKeyStore>): void {
  async function replicaOf(shared: SharedApiKeyStore): Promise<ApiKeyStore> {
    const store = await shared.replica();
    onTestFinished(() => store.close());
    return store;
  }
  /** One replica, and what the store holds. */
  async function single(): Promise<{ shared: SharedApiKeyStore; store: ApiKeyStore }> {
    const shared = await open();
    return { shared, store: await replicaOf(shared) };
  }
  /** Two replicas of one store. */
  async function pair(): Promise<{ one: ApiKeyStore; two: ApiKeyStore }> {
    const shared = await open();
    return { one: await replicaOf(shared), two: await replicaOf(shared) };
  }

  describe(`ApiKeyStore contract: ${name}`, () => {
    it("verifies a new key with its role and name, and nothing that is not exactly that key", async () => {
      const { store } = await single();
      const { record, key } = await store.create("operator", "ci");
      expect(key).toMatch(/^hm_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
      expect(record).toEqual({
        id: key.slice(3, 15),
        name: "ci",
        role: "operator",
        createdAt: expect.any(String),
      });
      expect(await store.verify(key)).toEqual(record);
      const otherSecret = `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
      const otherId = `hm_${"0".repeat(12)}${key.slice(15)}`;
      for (const wrong of [otherSecret, otherId, "", "hm_", key.slice(0, -1), `${key}x`, key.toUpperCase()]) {
        expect(await store.verify(wrong)).toBeUndefined();
      }
    });

    it("keeps the SHA-256 of each secret and never the secret itself", async () => {
      const { shared, store } = await single();
      const { key } = await store.create("admin", "first-admin");
      const secret = secretOf(key);
      const hash = createHash("sha256").update(secret).digest();
      const stored = await shared.stored();
      expect(stored.includes(Buffer.from(secret))).toBe(false);
      expect(stored.includes(hash) || stored.includes(Buffer.from(hash.toString("base64")))).toBe(true);
    });

    it("lists every key oldest first, a revoked one with when it was revoked", async () => {
      const { store } = await single();
      const first = await store.create("reader", "first");
      // Keys made in the same millisecond have no order a store must keep: let the clock move on.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const second = await store.create("admin", "second");
      expect(await store.revoke(first.record.id)).toBe(true);
      const listed = await store.list();
      expect(listed.map((k) => [k.name, k.role])).toEqual([
        ["first", "reader"],
        ["second", "admin"],
      ]);
      expect(listed[0]?.revokedAt).toEqual(expect.any(String));
      expect(listed[1]).toEqual(second.record);
      expect(JSON.stringify(listed)).not.toContain(secretOf(first.key));
    });

    it("revokes a live key once; a second revoke, an unknown id or a malformed one answers false", async () => {
      const { store } = await single();
      const { record, key } = await store.create("operator", "once");
      expect(await store.revoke(record.id)).toBe(true);
      expect(await store.verify(key)).toBeUndefined();
      expect(await store.revoke(record.id)).toBe(false);
      for (const id of ["000000000000", "", "../x", "a/b?c#d", "x".repeat(300)]) {
        expect(await store.revoke(id)).toBe(false);
      }
    });

    it("a key created through one replica works on another", async () => {
      const { one, two } = await pair();
      const { record, key } = await one.create("reader", "shared");
      expect(await two.verify(key)).toEqual(record);
      expect((await two.list()).map((k) => k.id)).toEqual([record.id]);
    });

    it("a key revoked through one replica is refused at once by another that had just verified it", async () => {
      const { one, two } = await pair();
      const { record, key } = await one.create("operator", "leaked");
      expect(await two.verify(key)).toBeDefined();
      expect(await one.verify(key)).toBeDefined();
      expect(await one.revoke(record.id)).toBe(true);
      expect(await two.verify(key)).toBeUndefined();
      expect(await one.verify(key)).toBeUndefined();
    });

    it("two replicas revoking one key at once: exactly one of them revoked it, and it works on neither", async () => {
      const { one, two } = await pair();
      for (let round = 0; round < 5; round++) {
        const { record, key } = await one.create("operator", `raced-${round}`);
        await two.verify(key);
        const results = await Promise.all([one.revoke(record.id), two.revoke(record.id)]);
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await one.verify(key)).toBeUndefined();
        expect(await two.verify(key)).toBeUndefined();
      }
      const revokedAt = (await two.list()).map((k) => k.revokedAt);
      expect(revokedAt.every((at) => at !== undefined)).toBe(true);
    });

    it("keys created by several replicas at once are all kept, each with its own id", async () => {
      const shared = await open();
      const stores = [await replicaOf(shared), await replicaOf(shared), await replicaOf(shared)];
      const created = await Promise.all(
        stores.flatMap((store, r) => [0, 1, 2, 3].map((i) => store.create("reader", `r${r}-k${i}`))),
      );
      const ids = new Set(created.map((c) => c.record.id));
      expect(ids.size).toBe(12);
      const [first, , last] = stores;
      expect((await first?.list())?.map((k) => k.id).sort()).toEqual([...ids].sort());
      for (const { key, record } of created) expect(await last?.verify(key)).toEqual(record);
    });
  });
}

import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import { looksLikeSecret, SecretRefSchema } from "@haymaker/contracts";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { readWhileWriting, thrown } from "../contract-helpers.ts";
import { StoreInputError } from "../errors.ts";
import { SECRET_VALUE_MAX_BYTES } from "./secret-inputs.ts";
import { SecretNotFoundError, type SecretStore } from "./secret-store.ts";

/** Makes a store for one test. Called inside the test, so it may register cleanup with onTestFinished. */
export type MakeSecretStore = () => Promise<SecretStore>;

// Every test uses fresh names, so an adapter may share one vault between tests (Key Vault keeps a deleted
// name reserved until it is purged).
function uniqueName(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

function uniqueValue(): string {
  return `value-${randomUUID()}`;
}

// Shaped like an Entra ID client secret: what this store really holds, and what a leak would look like.
const CLIENT_SECRET_LIKE = "Ab38Q~xY7.zK_1mN-pQ2rS3tU4vW5xY6zA7bC8dE";

/** The behaviour every SecretStore adapter must have. `makeStore` must return a store that works. */
export function describeSecretStoreContract(name: string, makeStore: MakeSecretStore): void {
  describe(`SecretStore contract: ${name}`, () => {
    it("round-trips a value exactly and returns a valid ref", async () => {
      const store = await makeStore();
      const value = "pä$$ wörd 🔑\n\tsecond line with trailing space ";
      const ref = await store.put(uniqueName("round-trip"), value);
      expect(v.is(SecretRefSchema, ref)).toBe(true);
      expect(await store.get(ref)).toBe(value);
      expect(await store.exists(ref)).toBe(true);
    });

    it("keeps different names apart", async () => {
      const store = await makeStore();
      const [first, second] = [uniqueValue(), uniqueValue()];
      const firstRef = await store.put(uniqueName("first"), first);
      const secondRef = await store.put(uniqueName("second"), second);
      expect(firstRef).not.toBe(secondRef);
      expect(await store.get(firstRef)).toBe(first);
      expect(await store.get(secondRef)).toBe(second);
    });

    it("replaces the value on a second put, under the same ref", async () => {
      const store = await makeStore();
      const secretName = uniqueName("replace");
      const firstRef = await store.put(secretName, "first value");
      const secondRef = await store.put(secretName, "second value");
      expect(secondRef).toBe(firstRef);
      expect(await store.get(firstRef)).toBe("second value");
    });

    it("treats names case-insensitively, as Key Vault does", async () => {
      const store = await makeStore();
      const secretName = uniqueName("Mixed-Case");
      const upperRef = await store.put(secretName, "first value");
      const lowerRef = await store.put(secretName.toLowerCase(), "second value");
      expect(await store.get(upperRef)).toBe("second value");
      expect(await store.get(lowerRef)).toBe("second value");
    });

    it("deletes idempotently: true the first time, false once gone", async () => {
      const store = await makeStore();
      const ref = await store.put(uniqueName("delete"), uniqueValue());
      expect(await store.delete(ref)).toBe(true);
      expect(await store.delete(ref)).toBe(false);
      expect(await store.exists(ref)).toBe(false);
      await expect(store.get(ref)).rejects.toThrow(SecretNotFoundError);
    });

    it("stores a secret again under a deleted name", async () => {
      const store = await makeStore();
      const secretName = uniqueName("again");
      const ref = await store.put(secretName, "before");
      await store.delete(ref);
      expect(await store.put(secretName, "after")).toBe(ref);
      expect(await store.get(ref)).toBe("after");
    });

    it("throws SecretNotFoundError naming the ref of a missing secret", async () => {
      const store = await makeStore();
      const value = uniqueValue();
      const ref = await store.put(uniqueName("missing"), value);
      await store.delete(ref);
      const error = await thrown(() => store.get(ref));
      expect(error).toBeInstanceOf(SecretNotFoundError);
      expect((error as SecretNotFoundError).ref).toBe(ref);
      expect(error.message).toContain(ref);
      expect(error.message).not.toContain(value);
    });

    it.each([
      ["empty", ""],
      ["with a space", "has space"],
      ["with an underscore", "under_score"],
      ["with a dot", "dot.name"],
      ["with a slash", "a/b"],
      ["climbing out", "../etc"],
      ["starting with a hyphen", "-leading"],
      ["with a non-ASCII letter", "clé"],
      ["of 128 characters", "x".repeat(128)],
    ])("refuses a name %s, naming it without the value", async (_, badName) => {
      const store = await makeStore();
      const value = uniqueValue();
      const error = await thrown(() => store.put(badName, value));
      expect(error).toBeInstanceOf(StoreInputError);
      expect((error as StoreInputError).input).toBe("secret name");
      expect(error.message).toContain(JSON.stringify(badName.slice(0, 64)));
      expect(error.message).not.toContain(value);
    });

    it("accepts a name of 127 characters", async () => {
      const store = await makeStore();
      const longName = uniqueName("long").padEnd(127, "x");
      const ref = await store.put(longName, "value");
      expect(await store.get(ref)).toBe("value");
    });

    it("never echoes a credential, even when name and value are swapped", async () => {
      expect(looksLikeSecret(CLIENT_SECRET_LIKE)).toBe(true);
      const store = await makeStore();
      const error = await thrown(() => store.put(CLIENT_SECRET_LIKE, "my-secret-name"));
      expect(error).toBeInstanceOf(StoreInputError);
      expect(error.message).not.toContain(CLIENT_SECRET_LIKE);
      expect(error.message).not.toContain("Q~");
    });

    it.each([
      ["empty", ""],
      ["over Key Vault's 25 KB", "v".repeat(SECRET_VALUE_MAX_BYTES + 1)],
      ["not a string", 42 as unknown as string],
    ])("refuses a value %s without echoing it", async (_, badValue) => {
      const store = await makeStore();
      const error = await thrown(() => store.put(uniqueName("bad-value"), badValue));
      expect(error).toBeInstanceOf(StoreInputError);
      expect((error as StoreInputError).input).toBe("secret value");
      if (typeof badValue === "string" && badValue !== "") expect(error.message).not.toContain("vvvv");
    });

    it("accepts a value of exactly 25 KB", async () => {
      const store = await makeStore();
      const value = "v".repeat(SECRET_VALUE_MAX_BYTES);
      const ref = await store.put(uniqueName("largest"), value);
      expect(await store.get(ref)).toBe(value);
    });

    it.each([
      ["", "empty"],
      ["s3cr3t-value", "not a ref at all"],
      ["local:../x", "climbing out"],
      ["local:a/b", "with a path"],
      ["https://example.com/secrets/x", "on another host"],
      ["https://vault1.vault.azure.net/secrets/x?api-version=7.4", "with a query"],
    ])("refuses the ref %j (%s) on get, delete and exists", async (badRef) => {
      const store = await makeStore();
      for (const call of [() => store.get(badRef), () => store.delete(badRef), () => store.exists(badRef)]) {
        const error = await thrown(call);
        expect(error).toBeInstanceOf(StoreInputError);
        expect((error as StoreInputError).input).toBe("secret ref");
      }
    });

    it("keeps values out of toString, inspect and JSON", async () => {
      const store = await makeStore();
      const value = uniqueValue();
      const ref = await store.put(uniqueName("hidden"), value);
      await store.get(ref);
      expect(String(store)).not.toContain(value);
      expect(inspect(store, { depth: 10, showHidden: true })).not.toContain(value);
      expect(JSON.stringify(store) ?? "").not.toContain(value);
    });

    it("never lets a reader see a partly written value", async () => {
      const store = await makeStore();
      const secretName = uniqueName("atomic");
      const [even, odd] = ["a".repeat(SECRET_VALUE_MAX_BYTES), "b".repeat(SECRET_VALUE_MAX_BYTES)];
      const values = [even, odd];
      const ref = await store.put(secretName, even);
      const seen = await readWhileWriting(
        async () => {
          for (let round = 0; round < 40; round++) await store.put(secretName, round % 2 ? odd : even);
        },
        () => store.get(ref),
      );
      const tornLengths = [...seen].filter((read) => !values.includes(read)).map((read) => read.length);
      expect(tornLengths).toEqual([]);
    });
  });
}

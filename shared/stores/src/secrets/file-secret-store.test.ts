import { chmod, mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isMainThread } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { thrown } from "../contract-helpers.ts";
import { InsecurePermissionsError, StoreInputError } from "../errors.ts";
import { temporaryDataDirectory } from "../files/test-data-directory.ts";
import { FileSecretStore } from "./file-secret-store.ts";
import { describeSecretStoreContract } from "./secret-store-contract.ts";

describeSecretStoreContract(
  "FileSecretStore",
  async () => new FileSecretStore(await temporaryDataDirectory()),
);

// Windows file modes do not say who may read a file, so the store does not check them there.
const posixOnly = it.skipIf(process.platform === "win32");

function modeOf(stats: { mode: number }): number {
  return stats.mode & 0o777;
}

describe("FileSecretStore on disk", () => {
  posixOnly("keeps secrets in a 0700 directory, one 0600 file each, under the lowercased name", async () => {
    const dataDirectory = await temporaryDataDirectory();
    const store = new FileSecretStore(dataDirectory);
    const ref = await store.put("Run-1-A01", "the value");
    expect(ref).toBe("local:Run-1-A01");
    const directory = join(dataDirectory, "secrets");
    expect(modeOf(await stat(directory))).toBe(0o700);
    expect(modeOf(await stat(join(directory, "run-1-a01")))).toBe(0o600);
    expect(await readFile(join(directory, "run-1-a01"), "utf8")).toBe("the value");
  });

  // process.umask can only be changed on a main thread (vitest's "forks" pool runs files in one).
  it.skipIf(process.platform === "win32" || !isMainThread)(
    "sets 0700 and 0600 exactly, whatever the umask",
    async () => {
      const dataDirectory = await temporaryDataDirectory();
      const previous = process.umask(0o000);
      try {
        await new FileSecretStore(dataDirectory).put("loose-umask", "value");
      } finally {
        process.umask(previous);
      }
      expect(modeOf(await stat(join(dataDirectory, "secrets")))).toBe(0o700);
      expect(modeOf(await stat(join(dataDirectory, "secrets", "loose-umask")))).toBe(0o600);
    },
  );

  posixOnly("creates a missing data directory", async () => {
    const dataDirectory = join(await temporaryDataDirectory(), "nested", "data");
    const ref = await new FileSecretStore(dataDirectory).put("nested", "value");
    expect(await new FileSecretStore(dataDirectory).get(ref)).toBe("value");
  });

  posixOnly.each([0o755, 0o750, 0o701, 0o710])(
    "refuses a secrets directory of mode %o, saying what to chmod",
    async (mode) => {
      const dataDirectory = await temporaryDataDirectory();
      const directory = join(dataDirectory, "secrets");
      await mkdir(directory);
      await chmod(directory, mode);
      const store = new FileSecretStore(dataDirectory);
      for (const call of [
        () => store.put("refused", "value"),
        () => store.get("local:refused"),
        () => store.exists("local:refused"),
        () => store.delete("local:refused"),
      ]) {
        const error = await thrown(call);
        expect(error).toBeInstanceOf(InsecurePermissionsError);
        expect((error as Error).message).toContain(`chmod 700 ${directory}`);
        expect((error as InsecurePermissionsError).path).toBe(directory);
      }
      expect(await readdir(directory)).toEqual([]);
      // Refused, not repaired: the owner decides whether what was there has leaked.
      expect(modeOf(await stat(directory))).toBe(mode);
    },
  );

  posixOnly("works in a pre-existing 0700 directory", async () => {
    const dataDirectory = await temporaryDataDirectory();
    await mkdir(join(dataDirectory, "secrets"), { mode: 0o700 });
    const store = new FileSecretStore(dataDirectory);
    expect(await store.get(await store.put("existing-dir", "value"))).toBe("value");
  });

  posixOnly("stops using the directory when its permissions are loosened later", async () => {
    const dataDirectory = await temporaryDataDirectory();
    const store = new FileSecretStore(dataDirectory);
    const ref = await store.put("later", "value");
    await chmod(join(dataDirectory, "secrets"), 0o755);
    await expect(store.get(ref)).rejects.toThrow(InsecurePermissionsError);
  });

  posixOnly("refuses to read a secret file others can read, saying what to chmod", async () => {
    const dataDirectory = await temporaryDataDirectory();
    const store = new FileSecretStore(dataDirectory);
    const ref = await store.put("loosened", "the value");
    const file = join(dataDirectory, "secrets", "loosened");
    await chmod(file, 0o644);
    const error = await thrown(() => store.get(ref));
    expect(error).toBeInstanceOf(InsecurePermissionsError);
    expect(error.message).toContain(`chmod 600 ${file}`);
    expect(error.message).not.toContain("the value");
    // Writing the secret again replaces the file with a private one.
    await store.put("loosened", "the value");
    expect(modeOf(await stat(file))).toBe(0o600);
    expect(await store.get(ref)).toBe("the value");
  });

  it("refuses a data directory whose secrets path is a file", async () => {
    const dataDirectory = await temporaryDataDirectory();
    await writeFile(join(dataDirectory, "secrets"), "not a directory");
    await expect(new FileSecretStore(dataDirectory).put("x", "value")).rejects.toThrow(/is not a directory/);
  });

  it("leaves no temporary files behind after concurrent writes", async () => {
    const dataDirectory = await temporaryDataDirectory();
    const store = new FileSecretStore(dataDirectory);
    await Promise.all(
      Array.from({ length: 30 }, (_, index) => store.put(`concurrent-${index % 3}`, `value ${index}`)),
    );
    expect((await readdir(join(dataDirectory, "secrets"))).sort()).toEqual([
      "concurrent-0",
      "concurrent-1",
      "concurrent-2",
    ]);
  });

  it.each(["https://haymaker-kv.vault.azure.net/secrets/run-1-a01", "local:under_score", "local:dot.name"])(
    "refuses %s: valid elsewhere, but not a ref this store makes",
    async (ref) => {
      const store = new FileSecretStore(await temporaryDataDirectory());
      const error = await thrown(() => store.get(ref));
      expect(error).toBeInstanceOf(StoreInputError);
      expect(error.message).toMatch(/this local store holds only refs of the form local:<name>/);
      expect(error.message).toContain(ref);
    },
  );

  it("describes itself by its directory alone", async () => {
    const dataDirectory = await temporaryDataDirectory();
    const store = new FileSecretStore(dataDirectory);
    expect(String(store)).toBe(`FileSecretStore(${join(dataDirectory, "secrets")})`);
  });
});

import { type FileHandle, open, stat, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { StoreInputError } from "../errors.ts";
import { writeFileAtomically } from "../files/atomic-write.ts";
import { isNotFound } from "../files/not-found.ts";
import { assertPrivateFile, ensurePrivateDirectory } from "../files/private-directory.ts";
import { checkSecretName, checkSecretRef, checkSecretValue, SECRET_NAME_PATTERN } from "./secret-inputs.ts";
import { SecretNotFoundError, type SecretRef, type SecretStore } from "./secret-store.ts";

const LOCAL_PREFIX = "local:";

/**
 * The local secret store: one file per secret in `<dataDirectory>/secrets/`, the directory 0700 and each
 * file 0600, written atomically. Refs are "local:<name>". Like Key Vault, names are case-insensitive: the
 * file is named by the lowercased name, so "Run-1" and "run-1" are one secret on every file system.
 * The directory's permissions are checked on every call, so loosening them later stops the store too.
 */
export class FileSecretStore implements SecretStore {
  readonly #directory: string;

  constructor(dataDirectory: string) {
    this.#directory = join(resolve(dataDirectory), "secrets");
  }

  async put(name: string, value: string): Promise<SecretRef> {
    const checkedName = checkSecretName(name);
    const checkedValue = checkSecretValue(value);
    await ensurePrivateDirectory(this.#directory);
    await writeFileAtomically(this.#fileOf(checkedName), checkedValue, { mode: 0o600 });
    return `${LOCAL_PREFIX}${checkedName}`;
  }

  async get(ref: SecretRef): Promise<string> {
    const file = await this.#locate(ref);
    let handle: FileHandle;
    try {
      handle = await open(file, "r");
    } catch (error) {
      if (isNotFound(error)) throw new SecretNotFoundError(ref);
      throw error;
    }
    try {
      await assertPrivateFile(handle, file);
      return await handle.readFile("utf8");
    } finally {
      await handle.close();
    }
  }

  async delete(ref: SecretRef): Promise<boolean> {
    const file = await this.#locate(ref);
    try {
      await unlink(file);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async exists(ref: SecretRef): Promise<boolean> {
    const file = await this.#locate(ref);
    try {
      return (await stat(file)).isFile();
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  toString(): string {
    return `FileSecretStore(${this.#directory})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // Validates the ref, checks the directory, and returns the secret's file.
  async #locate(ref: SecretRef): Promise<string> {
    const checkedRef = checkSecretRef(ref);
    const name = checkedRef.startsWith(LOCAL_PREFIX) ? checkedRef.slice(LOCAL_PREFIX.length) : undefined;
    if (name === undefined || !SECRET_NAME_PATTERN.test(name)) {
      throw new StoreInputError(
        "secret ref",
        `this local store holds only refs of the form local:<name> (letters, digits and hyphens), got ${checkedRef}`,
      );
    }
    await ensurePrivateDirectory(this.#directory);
    return this.#fileOf(name);
  }

  #fileOf(name: string): string {
    return join(this.#directory, name.toLowerCase());
  }
}

import { describeValue, SecretRefSchema } from "@haymaker/contracts";
import * as v from "valibot";
import { StoreInputError } from "../errors.ts";
import type { SecretRef } from "./secret-store.ts";

// Checks every secret store applies to its inputs, so the local store refuses exactly what Key Vault
// would. Values are described by their size only; names and refs go through describeValue, which hides
// anything shaped like a credential in case a caller swapped the name and the value.

/** Key Vault's limit on a secret name. */
export const SECRET_NAME_MAX_LENGTH = 127;
/** Key Vault's limit on a secret value: 25 KB. */
export const SECRET_VALUE_MAX_BYTES = 25 * 1024;

// Key Vault allows letters, digits and hyphens; the first character must also suit local refs
// (contracts' SecretRefSchema wants "local:" followed by a letter or digit).
export const SECRET_NAME_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9-]{0,${SECRET_NAME_MAX_LENGTH - 1}}$`);

export function checkSecretName(name: unknown): string {
  if (typeof name === "string" && SECRET_NAME_PATTERN.test(name)) return name;
  throw new StoreInputError(
    "secret name",
    `expected 1-${SECRET_NAME_MAX_LENGTH} letters, digits and hyphens, starting with a letter or digit, got ${describeValue(name, "name")}`,
  );
}

export function checkSecretValue(value: unknown): string {
  if (typeof value !== "string") {
    throw new StoreInputError("secret value", `expected a string, got ${typeof value}`);
  }
  if (value.length === 0) throw new StoreInputError("secret value", "must not be empty");
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > SECRET_VALUE_MAX_BYTES) {
    throw new StoreInputError(
      "secret value",
      `expected at most ${SECRET_VALUE_MAX_BYTES} bytes (Key Vault's limit), got ${bytes} bytes`,
    );
  }
  return value;
}

export function checkSecretRef(ref: unknown): SecretRef {
  if (v.is(SecretRefSchema, ref)) return ref;
  throw new StoreInputError(
    "secret ref",
    `expected local:<name> or a Key Vault secret id (https://<vault>.vault.azure.net/secrets/<name>), got ${describeValue(ref, "ref")}`,
  );
}

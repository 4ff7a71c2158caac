// Key Vault's rules for vault names (ARM, on create) and object names and sizes (data plane), each refused
// with the code Key Vault answers. Sources: "Common error codes for Azure Key Vault" and "Naming rules and
// restrictions for Azure resources" (learn.microsoft.com) for vault names; "About keys, secrets, and
// certificates" (object names: 1-127 of 0-9, a-z, A-Z and -; the service accepts a leading digit or hyphen
// too) and "About Azure Key Vault secrets" (a value is at most 25k bytes) for secrets.

/** A vault name: 3-24 letters, digits and hyphens, starting with a letter, ending with a letter or digit. */
export function vaultNameProblem(name: string): string | undefined {
  const valid =
    /^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$/.test(name) && !name.includes("--") && name.length <= 24;
  return valid
    ? undefined
    : `The vault name '${name}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens.`;
}

const objectName = /^[0-9A-Za-z-]{1,127}$/;

export function isSecretName(name: string): boolean {
  return objectName.test(name);
}

/** Key Vault's limit on a secret value, in UTF-8 bytes. */
export const SECRET_VALUE_MAX_BYTES = 25 * 1024;

/** Secret versions are 32 lower-case hex digits. */
export function isSecretVersion(version: string): boolean {
  return /^[0-9a-f]{32}$/i.test(version);
}

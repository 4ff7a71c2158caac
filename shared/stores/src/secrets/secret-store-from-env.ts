// Where secrets are kept, from the environment: Azure Key Vault when HAYMAKER_KEY_VAULT_URI is set, signed
// in as HayMaker's own identity exactly as cloud control signs in (azureCredentialFromEnv: the sandbox
// cloud's credential, a client secret, or the managed identity); otherwise 0600 files under
// HAYMAKER_DATA_DIR.

import type { TokenCredential } from "@azure/core-auth";
import { SecretClient } from "@azure/keyvault-secrets";
import { azureCredentialFromEnv } from "@haymaker/cloud-control";
import { ConfigError, parseEnv, readConfigParts } from "@haymaker/config";
import { SecretRefSchema } from "@haymaker/contracts";
import * as v from "valibot";
import { FileSecretStore } from "./file-secret-store.ts";
import { KeyVaultSecretStore } from "./key-vault-secret-store.ts";
import type { SecretStore } from "./secret-store.ts";

const VAULT_URI = "HAYMAKER_KEY_VAULT_URI";

/** A vault's URI is good when the secret ids under it are good refs: one rule, kept in contracts. */
function vaultOrigin(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  const bare =
    (url.pathname === "/" || url.pathname === "") &&
    url.search === "" &&
    url.hash === "" &&
    url.username === "" &&
    url.password === "";
  return bare && v.is(SecretRefSchema, `${url.origin}/secrets/probe`) ? url.origin : undefined;
}

function isSandboxVault(origin: string): boolean {
  return new URL(origin).protocol === "http:";
}

const SecretsEnv = v.object({
  [VAULT_URI]: v.optional(
    v.pipe(
      v.string(),
      v.minLength(1, "must not be empty; unset it to keep secrets under the data directory"),
      v.check(
        (value) => vaultOrigin(value) !== undefined,
        "must be a Key Vault's URI such as https://<vault>.vault.azure.net/, without a path or query (plain http only as http://127.0.0.1:<port>/, the sandbox cloud's vault)",
      ),
    ),
  ),
  HAYMAKER_DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), ".haymaker"),
});

/**
 * The secret store the environment asks for (see the top of this file). Throws ConfigError naming every
 * variable at fault at once, HayMaker's identity's included, and never echoing a value.
 */
export function secretStoreFromEnv(env: Record<string, string | undefined>, service: string): SecretStore {
  // Both parts are read whatever the other says, so every bad variable is named at once.
  const { parsed, signIn } = readConfigParts(service, {
    parsed: () => parseEnv(service, SecretsEnv, env),
    signIn: () => (env[VAULT_URI] === undefined ? undefined : azureCredentialFromEnv(env, service)),
  });
  const origin = parsed[VAULT_URI] === undefined ? undefined : vaultOrigin(parsed[VAULT_URI]);
  if (origin !== undefined && signIn !== undefined && isSandboxVault(origin) !== signIn.sandbox) {
    throw new ConfigError(service, [
      isSandboxVault(origin)
        ? `${VAULT_URI}: the sandbox cloud's vault signs in through the sandbox: set HAYMAKER_ARM_ENDPOINT to the sandbox's URL too`
        : `${VAULT_URI}: an Azure vault cannot be signed in to as the sandbox cloud's identity: HAYMAKER_ARM_ENDPOINT is the sandbox`,
    ]);
  }
  if (origin === undefined || signIn === undefined) return new FileSecretStore(parsed.HAYMAKER_DATA_DIR);
  return keyVaultSecretStore(origin, signIn.credential);
}

/**
 * The store of one vault, for any credential (HayMaker's own identity, or an agent's managed identity
 * reading its own secret). A plain-http origin is the sandbox cloud's vault (only 127.0.0.1 passes
 * contracts' rule): it answers without TLS while its challenge names vault.azure.net as Key Vault's does,
 * and it finishes deletes and purges at once.
 */
export function keyVaultSecretStore(origin: string, credential: TokenCredential): KeyVaultSecretStore {
  if (!isSandboxVault(origin)) return new KeyVaultSecretStore(new SecretClient(origin, credential));
  const client = new SecretClient(origin, credential, {
    disableChallengeResourceVerification: true,
    allowInsecureConnection: true,
  });
  return new KeyVaultSecretStore(client, { pollIntervalMs: 20 });
}

// Test helper: the real Key Vault secrets client, pointed at a sandbox vault the way HayMaker's adapter
// points it. The challenge names https://vault.azure.net while the vault answers on 127.0.0.1, so the
// SDK's check that the two match is off; the vault has no TLS, so plain http is allowed.
import type { TokenCredential } from "@azure/core-auth";
import { SecretClient } from "@azure/keyvault-secrets";

export function secretClient(vaultUri: string, credential: TokenCredential): SecretClient {
  return new SecretClient(vaultUri, credential, {
    disableChallengeResourceVerification: true,
    allowInsecureConnection: true,
    // Tests that expect failures must see them at once.
    retryOptions: { maxRetries: 0 },
  });
}

// The JSON shapes Key Vault answers with for secrets (SecretBundle, DeletedSecretBundle, SecretItem,
// DeletedSecretItem in the Key Vault REST reference): ids are `<vault>/secrets/<name>/<version>`, times
// are Unix seconds, and the recovery level follows the vault's soft-delete settings.

import { recoveryLevelOf, type VaultSettings } from "./vault-properties.ts";
import type { DeletedSecret, SecretVersion } from "./vault-secret-store.ts";

export function vaultOrigin(settings: VaultSettings): string {
  return settings.vaultUri.replace(/\/+$/, "");
}

function attributes(settings: VaultSettings, secret: SecretVersion): Record<string, unknown> {
  return {
    enabled: secret.enabled,
    ...(secret.notBefore === undefined ? {} : { nbf: secret.notBefore }),
    ...(secret.expires === undefined ? {} : { exp: secret.expires }),
    created: secret.created,
    updated: secret.updated,
    recoveryLevel: recoveryLevelOf(settings),
    ...(settings.enableSoftDelete ? { recoverableDays: settings.softDeleteRetentionInDays } : {}),
  };
}

function described(secret: SecretVersion): Record<string, unknown> {
  return {
    ...(secret.contentType === undefined ? {} : { contentType: secret.contentType }),
    ...(secret.tags === undefined ? {} : { tags: secret.tags }),
  };
}

/** A SecretBundle; `withValue` false for the answers that carry none (delete, recover, update). */
export function secretBundle(
  settings: VaultSettings,
  secret: SecretVersion,
  withValue: boolean,
): Record<string, unknown> {
  return {
    ...(withValue ? { value: secret.value } : {}),
    id: `${vaultOrigin(settings)}/secrets/${secret.name}/${secret.version}`,
    ...described(secret),
    attributes: attributes(settings, secret),
  };
}

function deletion(settings: VaultSettings, deleted: DeletedSecret): Record<string, unknown> {
  return {
    recoveryId: `${vaultOrigin(settings)}/deletedsecrets/${deleted.latest.name}`,
    scheduledPurgeDate: deleted.scheduledPurgeDate,
    deletedDate: deleted.deletedDate,
  };
}

export function deletedSecretBundle(
  settings: VaultSettings,
  deleted: DeletedSecret,
): Record<string, unknown> {
  return { ...secretBundle(settings, deleted.latest, false), ...deletion(settings, deleted) };
}

/** A SecretItem: the newest version's attributes under the id without a version, or one version's. */
export function secretItem(
  settings: VaultSettings,
  secret: SecretVersion,
  withVersion: boolean,
): Record<string, unknown> {
  const base = `${vaultOrigin(settings)}/secrets/${secret.name}`;
  return {
    id: withVersion ? `${base}/${secret.version}` : base,
    ...described(secret),
    attributes: attributes(settings, secret),
  };
}

export function deletedSecretItem(settings: VaultSettings, deleted: DeletedSecret): Record<string, unknown> {
  return { ...secretItem(settings, deleted.latest, false), ...deletion(settings, deleted) };
}

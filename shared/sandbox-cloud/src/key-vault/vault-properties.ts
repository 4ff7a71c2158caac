// The properties of a Microsoft.KeyVault/vaults resource as the Key Vault resource provider settles them on
// a PUT or PATCH: defaults filled in, the vault's data-plane address set by the sandbox, and the
// irreversible switches kept irreversible. Sources (learn.microsoft.com): "Azure Key Vault soft-delete
// overview" (soft delete can no longer be turned off; retention 7-90 days, 90 by default; purge protection,
// once on, stays on and needs soft delete), "Vaults - Create Or Update" (Microsoft.KeyVault REST reference)
// for the property names.
import type { Realism } from "../realism.ts";

export interface VaultSettings {
  enableRbacAuthorization: boolean;
  enableSoftDelete: boolean;
  enablePurgeProtection: boolean;
  softDeleteRetentionInDays: number;
  vaultUri: string;
}

export interface PropertiesProblem {
  code: string;
  message: string;
}

const DEFAULT_RETENTION_DAYS = 90;

/**
 * The properties to store for a vault, from what the caller sent (`requested`, a PUT's properties or a
 * PATCH's merged onto the stored ones) and what was stored before; or the reason Key Vault refuses them.
 */
export function settleVaultProperties(
  requested: Record<string, unknown>,
  before: Record<string, unknown> | undefined,
  context: { realism: Realism; tenantId: string; vaultUri: string },
): Record<string, unknown> | PropertiesProblem {
  const wasOn = (property: string) => before?.[property] === true;
  const irreversible = (property: string, what: string): PropertiesProblem => ({
    code: "BadRequest",
    message: `The property "${property}" cannot be set to false. Enabling the ${what} for a vault is an irreversible action.`,
  });

  const softDeleteAsked = requested.enableSoftDelete;
  if (softDeleteAsked === false && (context.realism.keyVaultSoftDelete || wasOn("enableSoftDelete"))) {
    return irreversible("enableSoftDelete", "'soft delete' functionality");
  }
  const enableSoftDelete =
    context.realism.keyVaultSoftDelete || softDeleteAsked === true || wasOn("enableSoftDelete");

  const purgeAsked = requested.enablePurgeProtection;
  if (purgeAsked === false && wasOn("enablePurgeProtection")) {
    return irreversible("enablePurgeProtection", "purge protection");
  }
  const enablePurgeProtection = purgeAsked === true || wasOn("enablePurgeProtection");
  if (enablePurgeProtection && !enableSoftDelete) {
    return {
      code: "BadRequest",
      message: 'The property "enablePurgeProtection" can be set only on a vault with "enableSoftDelete" on.',
    };
  }

  const retention = requested.softDeleteRetentionInDays ?? before?.softDeleteRetentionInDays;
  if (
    retention !== undefined &&
    !(typeof retention === "number" && Number.isInteger(retention) && retention >= 7 && retention <= 90)
  ) {
    return {
      code: "BadRequest",
      message: `The property "softDeleteRetentionInDays" must be a whole number of days from 7 to 90; got ${JSON.stringify(retention)}.`,
    };
  }

  const settings: VaultSettings = {
    enableRbacAuthorization: requested.enableRbacAuthorization === true,
    enableSoftDelete,
    enablePurgeProtection,
    softDeleteRetentionInDays: (retention as number | undefined) ?? DEFAULT_RETENTION_DAYS,
    // The sandbox decides where a vault is served; what a caller sends is ignored, as in Azure.
    vaultUri: context.vaultUri,
  };
  return {
    tenantId: context.tenantId,
    sku: { family: "A", name: "standard" },
    accessPolicies: [],
    ...requested,
    ...settings,
  };
}

export function isPropertiesProblem(value: unknown): value is PropertiesProblem {
  return typeof value === "object" && value !== null && "code" in value && "message" in value;
}

/** The settings the data plane reads from a stored vault's properties. */
export function vaultSettingsOf(properties: Record<string, unknown>): VaultSettings {
  return {
    enableRbacAuthorization: properties.enableRbacAuthorization === true,
    enableSoftDelete: properties.enableSoftDelete === true,
    enablePurgeProtection: properties.enablePurgeProtection === true,
    softDeleteRetentionInDays:
      typeof properties.softDeleteRetentionInDays === "number"
        ? properties.softDeleteRetentionInDays
        : DEFAULT_RETENTION_DAYS,
    vaultUri: typeof properties.vaultUri === "string" ? properties.vaultUri : "",
  };
}

/** Key Vault's DeletionRecoveryLevel for a vault's settings. */
export function recoveryLevelOf(settings: VaultSettings): string {
  if (!settings.enableSoftDelete) return "Purgeable";
  const customized = settings.softDeleteRetentionInDays < DEFAULT_RETENTION_DAYS ? "Customized" : "";
  return settings.enablePurgeProtection ? `${customized}Recoverable` : `${customized}Recoverable+Purgeable`;
}

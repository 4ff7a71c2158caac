// Microsoft.KeyVault/vaults through ARM: a generic resource (resources.ts) with what the Key Vault resource
// provider adds. A PUT checks the vault name (3-24 characters, unique: the name is the vault's DNS name in
// Azure) and settles the properties (vault-properties.ts), and a new vault starts being served on its own
// port before the create is answered, so its vaultUri works at once. Reads, lists and deletes are the
// generic ones; after a delete, routeArmRequest has VaultHosts stop serving what no longer exists.

import { groupId, resourceIdOf } from "../arm/path.ts";
import { findResource } from "../arm/resource-lookup.ts";
import { handleResource, type ResourceRequest } from "../arm/resources.ts";
import { type ArmResult, armError } from "../arm/result.ts";
import type { Realism } from "../realism.ts";
import type { ResourceStore } from "../store/resource-store.ts";
import { vaultNameProblem } from "./names.ts";
import { VAULT_TYPE, type VaultHosts } from "./vault-hosts.ts";
import { isPropertiesProblem, settleVaultProperties } from "./vault-properties.ts";

export interface VaultResourceDeps {
  resources: ResourceStore;
  keyVaults: VaultHosts;
  realism: Realism;
  tenantId: string;
}

/** Whether a resource request addresses a vault itself (not one of its children or actions). */
export function isVaultRequest(req: {
  namespace: string;
  chain: [string, string][];
  action?: string;
}): boolean {
  const [first] = req.chain;
  return (
    req.action === undefined &&
    req.chain.length === 1 &&
    req.namespace.toLowerCase() === "microsoft.keyvault" &&
    first?.[0].toLowerCase() === "vaults"
  );
}

export async function handleVaultResource(deps: VaultResourceDeps, req: ResourceRequest): Promise<ArmResult> {
  const id = resourceIdOf(req.subscriptionId, req.group, req.namespace, req.chain);
  const name = req.chain[0]?.[1] ?? "";
  const existing = findResource(deps.resources, req);
  // Reads and deletes are generic; routeArmRequest stops serving a deleted vault (or group) afterwards.
  if (req.method !== "PUT" && req.method !== "PATCH") return handleResource(deps.resources, req);
  // Left to the generic handler, which answers them as ARM does: nothing to settle.
  if (
    existing === undefined &&
    (req.method === "PATCH" || deps.resources.getGroup(groupId(req.subscriptionId, req.group)) === undefined)
  ) {
    return handleResource(deps.resources, req);
  }
  const fail = (status: number, code: string, message: string) =>
    armError(status, code, message, `${VAULT_TYPE}/write`, id);
  if (existing === undefined) {
    const nameProblem = vaultNameProblem(name);
    if (nameProblem !== undefined) return fail(400, "VaultNameNotValid", nameProblem);
    const taken = deps.resources
      .listUnder(`/subscriptions/${req.subscriptionId}`)
      .some(
        (r) =>
          r.type.toLowerCase() === VAULT_TYPE.toLowerCase() && r.name.toLowerCase() === name.toLowerCase(),
      );
    if (taken) {
      return fail(
        409,
        "VaultAlreadyExists",
        `The vault name '${name}' is already in use. Vault names are globally unique so it is possible that the name is already taken.`,
      );
    }
  }
  const sent = objectOf(req.body?.properties);
  const requested = req.method === "PATCH" ? { ...existing?.properties, ...sent } : sent;
  const vaultUri =
    typeof existing?.properties.vaultUri === "string"
      ? existing.properties.vaultUri
      : await deps.keyVaults.open(id);
  const properties = settleVaultProperties(requested, existing?.properties, {
    realism: deps.realism,
    tenantId: deps.tenantId,
    vaultUri,
  });
  if (isPropertiesProblem(properties)) {
    if (existing === undefined) await deps.keyVaults.close(id);
    return fail(400, properties.code, properties.message);
  }
  const result = handleResource(deps.resources, { ...req, body: { ...req.body, properties } });
  if (existing === undefined && result.status >= 300) await deps.keyVaults.close(id);
  return result;
}

function objectOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

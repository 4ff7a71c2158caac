// Sets up a vault in a running sandbox the way a deployment does in Azure (Bicep, before any service
// starts): through ARM, as a deployer identity of its own, it creates the vault in RBAC mode and grants the
// Key Vault secrets roles on it. Idempotent: a second call with the same name finds the vault and the
// assignments the first made. Used by tests and by HayMaker's Azure profile of `make run`.
import { randomBytes } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { isGuid } from "../arm/naming.ts";
import { armScope } from "../auth/audiences.ts";
import { bootstrapObjectId } from "../auth/principals.ts";
import { SandboxCredential } from "../auth/sandbox-credential.ts";
import { builtInRoles } from "../authorization/built-in-roles.ts";
import { nameBasedGuid } from "../name-based-guid.ts";
import type { SandboxCloud } from "../server.ts";

export interface SandboxKeyVaultOptions {
  /** The vault's name: 3-24 letters, digits and hyphens, unique in the sandbox. */
  name: string;
  /** The group to create it in (created when missing); "haymaker-key-vaults" by default. */
  resourceGroup?: string;
  /** "eastus" by default. */
  location?: string;
  /**
   * Principals given Key Vault Secrets Officer (set, read, delete, purge, recover): service principal
   * object ids (an application's or a managed identity's), application client ids, or client ids of
   * principals registered with registerPrincipal.
   */
  officers?: string[];
  /** Principals given Key Vault Secrets User (read only), named the same ways. */
  users?: string[];
  /** Turn purge protection on (irreversible, as in Azure): deleted secrets can then never be purged. */
  purgeProtection?: boolean;
  /** Days a deleted secret is kept when soft delete is on: 7-90, 90 by default. */
  softDeleteRetentionInDays?: number;
}

export interface SandboxKeyVault {
  /** The vault's ARM id. */
  id: string;
  name: string;
  resourceGroup: string;
  /** `http://127.0.0.1:<port>/`: what SecretClient is given. */
  vaultUri: string;
}

const KEY_VAULT_SECRETS_OFFICER = builtInRoleId("Key Vault Secrets Officer");
const KEY_VAULT_SECRETS_USER = builtInRoleId("Key Vault Secrets User");

const API_VERSIONS = {
  groups: "2021-04-01",
  vaults: "2023-07-01",
  roleAssignments: "2022-04-01",
  graph: "v1.0",
};

// One deployer per sandbox object, registered on first use with a secret only this process knows.
const deployers = new WeakMap<SandboxCloud, SandboxCredential>();

export async function createSandboxKeyVault(
  sandbox: SandboxCloud,
  options: SandboxKeyVaultOptions,
): Promise<SandboxKeyVault> {
  const arm = new ArmCaller(sandbox, deployerOf(sandbox));
  const resourceGroup = options.resourceGroup ?? "haymaker-key-vaults";
  const location = options.location ?? "eastus";
  const groupPath = `/subscriptions/${sandbox.subscriptionId}/resourceGroups/${encodeURIComponent(resourceGroup)}`;
  await arm.send("PUT", groupPath, API_VERSIONS.groups, { location });
  const vaultPath = `${groupPath}/providers/Microsoft.KeyVault/vaults/${encodeURIComponent(options.name)}`;
  const vault = (await arm.send("PUT", vaultPath, API_VERSIONS.vaults, {
    location,
    properties: {
      tenantId: sandbox.tenantId,
      sku: { family: "A", name: "standard" },
      enableRbacAuthorization: true,
      ...(options.purgeProtection === true ? { enablePurgeProtection: true } : {}),
      ...(options.softDeleteRetentionInDays === undefined
        ? {}
        : { softDeleteRetentionInDays: options.softDeleteRetentionInDays }),
    },
  })) as unknown as { id: string; name: string; properties: { vaultUri: string } };

  const grants = [
    ...(options.officers ?? []).map((principal) => ({ principal, role: KEY_VAULT_SECRETS_OFFICER })),
    ...(options.users ?? []).map((principal) => ({ principal, role: KEY_VAULT_SECRETS_USER })),
  ];
  let granted = false;
  for (const { principal, role } of grants) {
    const principalId = await arm.principalIdOf(principal);
    const assignment = nameBasedGuid(`${vault.id.toLowerCase()}|${principalId}|${role}`);
    const created = await arm.send(
      "PUT",
      `${vault.id}/providers/Microsoft.Authorization/roleAssignments/${assignment}`,
      API_VERSIONS.roleAssignments,
      {
        properties: {
          roleDefinitionId: `/subscriptions/${sandbox.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
          principalId,
          // Named, so ARM does not look a just-created principal up in a directory that has not seen it.
          principalType: "ServicePrincipal",
        },
      },
      ["RoleAssignmentExists"],
    );
    granted ||= created.status === 201;
  }
  // A deployment finishes well before the services start; with a replication delay, so must the grants.
  if (granted && sandbox.realism.replicationDelayMs > 0) await delay(sandbox.realism.replicationDelayMs);
  return { id: vault.id, name: vault.name, resourceGroup, vaultUri: vault.properties.vaultUri };
}

function deployerOf(sandbox: SandboxCloud): SandboxCredential {
  let deployer = deployers.get(sandbox);
  if (deployer === undefined) {
    const clientId = "haymaker-sandbox-deployer";
    const secret = randomBytes(24).toString("base64url");
    sandbox.registerPrincipal({
      clientId,
      secret,
      subscriptionScopes: [`/subscriptions/${sandbox.subscriptionId}`],
      // Reads service principals to find the object id of a principal named by its client id.
      directoryWriter: true,
    });
    deployer = new SandboxCredential({
      authorityHost: sandbox.url,
      tenantId: sandbox.tenantId,
      clientId,
      clientSecret: secret,
    });
    deployers.set(sandbox, deployer);
  }
  return deployer;
}

class ArmCaller {
  readonly #sandbox: SandboxCloud;
  readonly #credential: SandboxCredential;

  constructor(sandbox: SandboxCloud, credential: SandboxCredential) {
    this.#sandbox = sandbox;
    this.#credential = credential;
  }

  /** Sends an ARM call; throws naming the call and ARM's error unless it succeeded or is an accepted error. */
  async send(
    method: string,
    path: string,
    apiVersion: string,
    body?: unknown,
    acceptedCodes: string[] = [],
  ): Promise<Record<string, unknown> & { status: number }> {
    const { status, json } = await this.#call(method, `${path}?api-version=${apiVersion}`, body, armScope);
    const code = (json.error as { code?: string } | undefined)?.code;
    if (status >= 300 && !(code !== undefined && acceptedCodes.includes(code))) {
      const message = (json.error as { message?: string } | undefined)?.message ?? "";
      throw new Error(
        `createSandboxKeyVault: ${method} ${path} answered ${status} ${code ?? ""}: ${message}`,
      );
    }
    return { ...json, status };
  }

  /**
   * The object id to assign a role to: the service principal with that object id or client id, else the
   * bootstrap principal registered under that client id (ARM refuses the assignment if there is none).
   */
  async principalIdOf(principal: string): Promise<string> {
    const graph = "https://graph.microsoft.com/.default";
    if (isGuid(principal)) {
      const byId = await this.#call(
        "GET",
        `/${API_VERSIONS.graph}/servicePrincipals/${principal}`,
        undefined,
        graph,
      );
      if (byId.status === 200) return principal;
    }
    const filter = encodeURIComponent(`appId eq '${principal.replaceAll("'", "''")}'`);
    const byAppId = await this.#call(
      "GET",
      `/${API_VERSIONS.graph}/servicePrincipals?$filter=${filter}`,
      undefined,
      graph,
    );
    const found = (byAppId.json.value as { id: string }[] | undefined)?.[0];
    return found?.id ?? bootstrapObjectId(principal);
  }

  async #call(
    method: string,
    pathAndQuery: string,
    body: unknown,
    scope: string,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const token = await this.#credential.getToken(scope);
    const response = await fetch(`${this.#sandbox.url}${pathAndQuery}`, {
      method,
      headers: {
        authorization: `Bearer ${token.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      json: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>),
    };
  }
}

function builtInRoleId(roleName: string): string {
  const role = builtInRoles.find((r) => r.roleName === roleName);
  if (role === undefined) throw new Error(`the sandbox knows no built-in role named ${roleName}`);
  return role.id;
}

// What each Key Vault secret operation does to a vault's secrets, once the front door (data-plane.ts) has
// authenticated and authorized the call. Soft delete follows the vault's enableSoftDelete (which the
// sandbox sets from realism.keyVaultSoftDelete): a deleted secret waits in the deleted secrets, holding
// its name, until it is purged, recovered, or its retention runs out; without soft delete a delete is final.
// With realism.keyVaultOperationDelayMs a soft delete and a purge finish only a while after their answer,
// as Key Vault's do (its delete is a long-running operation; a purge has nothing to poll): until then a
// deleting secret is in no list and blocks set, purge and recover, and a purged name blocks set.
import { randomUUID } from "node:crypto";
import {
  badName,
  badParameter,
  beingDeleted,
  beingDeletedCannotSet,
  type DataPlaneError,
  deletedButRecoverable,
  deletedSecretNotFound,
  notEnabled,
  purgeProtected,
  secretNotFound,
} from "./data-plane-errors.ts";
import { isSecretName, isSecretVersion, SECRET_VALUE_MAX_BYTES } from "./names.ts";
import {
  deletedSecretBundle,
  deletedSecretItem,
  secretBundle,
  secretItem,
  vaultOrigin,
} from "./secret-bundles.ts";
import type { VaultSettings } from "./vault-properties.ts";
import type { SecretVersion, VaultSecretStore } from "./vault-secret-store.ts";

export type SecretOperation =
  | { kind: "set"; name: string }
  | { kind: "get"; name: string; version?: string }
  | { kind: "update"; name: string; version?: string }
  | { kind: "delete"; name: string }
  | { kind: "versions"; name: string }
  | { kind: "list" }
  | { kind: "getDeleted"; name: string }
  | { kind: "purge"; name: string }
  | { kind: "recover"; name: string }
  | { kind: "listDeleted" };

/**
 * The Azure RBAC data action each operation needs (Key Vault's "Azure built-in roles" and RBAC guide) and
 * the access-policy permission a vault in that model would check instead.
 */
export const permissionOf: Record<SecretOperation["kind"], { dataAction: string; policy: string }> = {
  set: { dataAction: "Microsoft.KeyVault/vaults/secrets/setSecret/action", policy: "set" },
  get: { dataAction: "Microsoft.KeyVault/vaults/secrets/getSecret/action", policy: "get" },
  update: { dataAction: "Microsoft.KeyVault/vaults/secrets/update/action", policy: "set" },
  delete: { dataAction: "Microsoft.KeyVault/vaults/secrets/delete", policy: "delete" },
  versions: { dataAction: "Microsoft.KeyVault/vaults/secrets/readMetadata/action", policy: "list" },
  list: { dataAction: "Microsoft.KeyVault/vaults/secrets/readMetadata/action", policy: "list" },
  getDeleted: { dataAction: "Microsoft.KeyVault/vaults/secrets/readMetadata/action", policy: "get" },
  purge: { dataAction: "Microsoft.KeyVault/vaults/secrets/purge/action", policy: "purge" },
  recover: { dataAction: "Microsoft.KeyVault/vaults/secrets/recover/action", policy: "recover" },
  listDeleted: { dataAction: "Microsoft.KeyVault/vaults/secrets/readMetadata/action", policy: "list" },
};

const notServed = (method: string, path: string): DataPlaneError => ({
  status: 404,
  code: "NotFound",
  message: `The sandbox cloud's Key Vault does not serve ${method} ${path}.`,
});

/** The operation a method and decoded path segments ask for, or why there is none. */
export function parseOperation(
  method: string,
  segments: string[],
  path: string,
): SecretOperation | DataPlaneError {
  const [collection, name, third, ...rest] = segments;
  const named = (operation: SecretOperation) =>
    name !== undefined && !isSecretName(name) ? badName(name) : operation;
  if (rest.length > 0 || collection === undefined) return notServed(method, path);
  if (collection.toLowerCase() === "secrets") {
    if (name === undefined) return method === "GET" ? { kind: "list" } : notServed(method, path);
    if (third === undefined) {
      if (method === "PUT") return named({ kind: "set", name });
      if (method === "GET") return named({ kind: "get", name });
      if (method === "DELETE") return named({ kind: "delete", name });
      return notServed(method, path);
    }
    if (third.toLowerCase() === "versions" && method === "GET") return named({ kind: "versions", name });
    // The SDK asks for the current version as `secrets/<name>/` (an empty version).
    const version = third === "" ? {} : { version: third };
    if (third !== "" && !isSecretVersion(third))
      return method === "GET" ? secretNotFound(`${name}/${third}`) : notServed(method, path);
    if (method === "GET") return named({ kind: "get", name, ...version });
    if (method === "PATCH") return named({ kind: "update", name, ...version });
    return notServed(method, path);
  }
  if (collection.toLowerCase() === "deletedsecrets") {
    if (name === undefined) return method === "GET" ? { kind: "listDeleted" } : notServed(method, path);
    if (third === undefined) {
      if (method === "GET") return named({ kind: "getDeleted", name });
      if (method === "DELETE") return named({ kind: "purge", name });
      return notServed(method, path);
    }
    if (third.toLowerCase() === "recover" && method === "POST") return named({ kind: "recover", name });
  }
  return notServed(method, path);
}

export interface OperationContext {
  vaultId: string;
  settings: VaultSettings;
  secrets: VaultSecretStore;
  nowSeconds: number;
  /** When a delete or purge answered now finishes (Unix milliseconds); undefined: before the answer. */
  settlesAtMs: number | undefined;
  body: unknown;
  query: URLSearchParams;
  apiVersion: string;
  path: string;
}

export interface OperationResult {
  status: number;
  body?: unknown;
}

export function runOperation(
  operation: SecretOperation,
  ctx: OperationContext,
): OperationResult | DataPlaneError {
  const { vaultId, settings, secrets } = ctx;
  switch (operation.kind) {
    case "set":
      return setSecret(operation.name, ctx);
    case "get": {
      const found = find(secrets, vaultId, operation.name, operation.version);
      if ("status" in found) return found;
      if (!found.enabled) {
        return {
          status: 403,
          code: "Forbidden",
          message: "Operation get is not allowed on a disabled secret.",
          innerCode: "SecretDisabled",
        };
      }
      return { status: 200, body: secretBundle(settings, found, true) };
    }
    case "update":
      return updateSecret(operation.name, operation.version, ctx);
    case "delete": {
      const latest = secrets.latest(vaultId, operation.name);
      if (latest === undefined) return secretNotFound(operation.name);
      if (!settings.enableSoftDelete) {
        secrets.purge(vaultId, operation.name);
        return { status: 200, body: secretBundle(settings, latest, false) };
      }
      const purgeAt = ctx.nowSeconds + settings.softDeleteRetentionInDays * 86_400;
      secrets.softDelete(vaultId, operation.name, ctx.nowSeconds, purgeAt);
      if (ctx.settlesAtMs !== undefined)
        secrets.beginSettling(vaultId, operation.name, "delete", ctx.settlesAtMs);
      const deleted = secrets.deleted(vaultId, operation.name);
      return deleted === undefined
        ? secretNotFound(operation.name)
        : { status: 200, body: deletedSecretBundle(settings, deleted) };
    }
    case "versions": {
      const versions =
        secrets.latest(vaultId, operation.name) === undefined
          ? []
          : secrets.versions(vaultId, operation.name);
      return page(
        ctx,
        versions.map((v) => secretItem(settings, v, true)),
      );
    }
    case "list":
      return page(
        ctx,
        secrets.listLatest(vaultId).map((s) => secretItem(settings, s, false)),
      );
    case "getDeleted": {
      if (!settings.enableSoftDelete) return notEnabled("getDeleted");
      // What the SDK's delete poller waits for: the deleted secret shows once its delete has finished.
      if (secrets.settling(vaultId, operation.name) === "delete")
        return deletedSecretNotFound(operation.name);
      const deleted = secrets.deleted(vaultId, operation.name);
      return deleted === undefined
        ? deletedSecretNotFound(operation.name)
        : { status: 200, body: deletedSecretBundle(settings, deleted) };
    }
    case "purge": {
      if (!settings.enableSoftDelete) return notEnabled("purge");
      if (secrets.settling(vaultId, operation.name) === "delete") return beingDeleted();
      if (secrets.deleted(vaultId, operation.name) === undefined)
        return deletedSecretNotFound(operation.name);
      if (settings.enablePurgeProtection) return purgeProtected();
      secrets.purge(vaultId, operation.name);
      if (ctx.settlesAtMs !== undefined)
        secrets.beginSettling(vaultId, operation.name, "purge", ctx.settlesAtMs);
      return { status: 204 };
    }
    case "recover": {
      if (!settings.enableSoftDelete) return notEnabled("recover");
      if (secrets.settling(vaultId, operation.name) === "delete") return beingDeleted();
      const deleted = secrets.deleted(vaultId, operation.name);
      if (deleted === undefined) return deletedSecretNotFound(operation.name);
      secrets.recover(vaultId, operation.name);
      return { status: 200, body: secretBundle(settings, deleted.latest, false) };
    }
    case "listDeleted":
      if (!settings.enableSoftDelete) return notEnabled("listDeleted");
      return page(
        ctx,
        secrets
          .listDeleted(vaultId)
          .filter((d) => secrets.settling(vaultId, d.latest.name) !== "delete")
          .map((d) => deletedSecretItem(settings, d)),
      );
  }
}

function find(
  secrets: VaultSecretStore,
  vaultId: string,
  name: string,
  version: string | undefined,
): SecretVersion | DataPlaneError {
  const found =
    version === undefined ? secrets.latest(vaultId, name) : secrets.version(vaultId, name, version);
  return found ?? secretNotFound(version === undefined ? name : `${name}/${version}`);
}

function setSecret(requestedName: string, ctx: OperationContext): OperationResult | DataPlaneError {
  const { vaultId, settings, secrets, nowSeconds } = ctx;
  const body = objectOf(ctx.body);
  if (body === undefined) return badParameter("The request body must be a JSON object with a 'value'.");
  if (typeof body.value !== "string")
    return badParameter("The parameter 'value' is required and must be a string.");
  const bytes = Buffer.byteLength(body.value, "utf8");
  if (bytes > SECRET_VALUE_MAX_BYTES) {
    return badParameter(
      `The secret value is ${bytes} bytes; a secret value may be at most ${SECRET_VALUE_MAX_BYTES} bytes.`,
    );
  }
  // A name still being deleted or purged is taken, though no list shows it.
  if (secrets.settling(vaultId, requestedName) !== undefined) return beingDeletedCannotSet(requestedName);
  if (secrets.deleted(vaultId, requestedName) !== undefined) return deletedButRecoverable(requestedName);
  const described = describedOf(body);
  if ("status" in described) return described;
  const attributes = attributesOf(body.attributes);
  if ("status" in attributes) return attributes;
  const secret: SecretVersion = {
    // A name keeps the casing it was first set with.
    name: secrets.versions(vaultId, requestedName)[0]?.name ?? requestedName,
    version: randomUUID().replaceAll("-", ""),
    value: body.value,
    contentType: described.contentType,
    tags: described.tags,
    enabled: attributes.enabled ?? true,
    notBefore: attributes.notBefore,
    expires: attributes.expires,
    created: nowSeconds,
    updated: nowSeconds,
  };
  secrets.add(vaultId, secret);
  return { status: 200, body: secretBundle(settings, secret, true) };
}

function updateSecret(
  name: string,
  version: string | undefined,
  ctx: OperationContext,
): OperationResult | DataPlaneError {
  const found = find(ctx.secrets, ctx.vaultId, name, version);
  if ("status" in found) return found;
  const body = objectOf(ctx.body) ?? {};
  const described = describedOf(body);
  if ("status" in described) return described;
  const attributes = attributesOf(body.attributes);
  if ("status" in attributes) return attributes;
  const updated: SecretVersion = {
    ...found,
    ...("contentType" in body ? { contentType: described.contentType } : {}),
    ...("tags" in body ? { tags: described.tags } : {}),
    ...(attributes.enabled === undefined ? {} : { enabled: attributes.enabled }),
    ...(attributes.notBefore === undefined ? {} : { notBefore: attributes.notBefore }),
    ...(attributes.expires === undefined ? {} : { expires: attributes.expires }),
    updated: ctx.nowSeconds,
  };
  ctx.secrets.replace(ctx.vaultId, updated);
  return { status: 200, body: secretBundle(ctx.settings, updated, false) };
}

// Key Vault pages lists by `maxresults` (1-25) and hands out an opaque `$skiptoken` in nextLink.
function page(ctx: OperationContext, items: Record<string, unknown>[]): OperationResult | DataPlaneError {
  const maxText = ctx.query.get("maxresults");
  const max = maxText === null ? 25 : Number(maxText);
  if (!Number.isInteger(max) || max < 1 || max > 25) {
    return badParameter(`The parameter 'maxresults' must be a whole number from 1 to 25; got ${maxText}.`);
  }
  const skipText = ctx.query.get("$skiptoken");
  const skip = skipText === null ? 0 : Number(skipText);
  if (!Number.isInteger(skip) || skip < 0) return badParameter("The parameter '$skiptoken' is not valid.");
  const rest = items.length - skip - max;
  const next =
    rest > 0
      ? `${vaultOrigin(ctx.settings)}${ctx.path}?api-version=${encodeURIComponent(ctx.apiVersion)}&$skiptoken=${skip + max}&maxresults=${max}`
      : null;
  return { status: 200, body: { value: items.slice(skip, skip + max), nextLink: next } };
}

function describedOf(
  body: Record<string, unknown>,
): { contentType: string | undefined; tags: Record<string, string> | undefined } | DataPlaneError {
  const { contentType, tags } = body;
  if (contentType !== undefined && contentType !== null && typeof contentType !== "string") {
    return badParameter("The parameter 'contentType' must be a string.");
  }
  const tagObject = objectOf(tags);
  if (
    tags !== undefined &&
    tags !== null &&
    (tagObject === undefined || !Object.values(tagObject).every((t) => typeof t === "string"))
  ) {
    return badParameter("The parameter 'tags' must be an object of strings.");
  }
  return {
    contentType: typeof contentType === "string" ? contentType : undefined,
    tags: tagObject as Record<string, string> | undefined,
  };
}

function attributesOf(
  value: unknown,
): { enabled?: boolean; notBefore?: number; expires?: number } | DataPlaneError {
  const attributes = objectOf(value) ?? {};
  const { enabled, nbf, exp } = attributes;
  if (enabled !== undefined && enabled !== null && typeof enabled !== "boolean") {
    return badParameter("The attribute 'enabled' must be true or false.");
  }
  for (const [field, time] of [
    ["nbf", nbf],
    ["exp", exp],
  ] as const) {
    if (time !== undefined && time !== null && !Number.isInteger(time)) {
      return badParameter(`The attribute '${field}' must be a time in Unix seconds.`);
    }
  }
  return {
    ...(typeof enabled === "boolean" ? { enabled } : {}),
    ...(typeof nbf === "number" ? { notBefore: nbf } : {}),
    ...(typeof exp === "number" ? { expires: exp } : {}),
  };
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

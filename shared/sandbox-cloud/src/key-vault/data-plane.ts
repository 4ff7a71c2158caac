// A vault's data plane, answered the way Key Vault answers @azure/keyvault-secrets: every request is first
// authenticated (a request without a token gets 401 and the challenge naming the authority and the
// resource, https://vault.azure.net, from which the SDK asks for its token), then the api-version is
// checked, then the path, then authorization: in RBAC mode the caller's role assignments must grant the
// operation's data action at the secret, its vault, group or subscription (403 ForbiddenByRbac otherwise);
// a vault in access-policy mode has no policies here, so it refuses everyone (403 ForbiddenByPolicy).
// Sources: "Azure Key Vault authentication" and "Provide access to Key Vault keys, certificates, and
// secrets with Azure role-based access control" (learn.microsoft.com).
import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import { isKeyVaultAudience, keyVaultResource } from "../auth/audiences.ts";
import type { Caller, Callers } from "../auth/callers.ts";
import { principalIdOf } from "../auth/principals.ts";
import type { ResourceStore } from "../store/resource-store.ts";
import { decodePathSegments } from "../uri-path.ts";
import { badParameter, type DataPlaneError, errorBody } from "./data-plane-errors.ts";
import { parseOperation, permissionOf, runOperation, type SecretOperation } from "./secret-operations.ts";
import { type VaultSettings, vaultSettingsOf } from "./vault-properties.ts";
import type { VaultSecretStore } from "./vault-secret-store.ts";

/** The api-versions @azure/keyvault-secrets knows (its KnownVersions), plus the 7.x line before them. */
const API_VERSIONS = new Set([
  "7.0",
  "7.1",
  "7.2",
  "7.3",
  "7.4",
  "7.5",
  "7.6-preview.2",
  "7.6",
  "2025-07-01",
  "2026-04-01",
]);
const LATEST_API_VERSION = "2026-04-01";

export interface DataPlaneDeps {
  tenantId: string;
  /** The sandbox's URL: the token authority the challenge names. */
  authorityHost: () => string;
  callers: Callers;
  /** Whether the caller's role assignments grant a data action at a scope. */
  allowsData: (caller: Caller, dataAction: string, scope: string) => boolean;
  resources: ResourceStore;
  secrets: VaultSecretStore;
  /** realism.keyVaultOperationDelayMs: how long a secret delete or purge takes to finish after its answer. */
  operationDelayMs: number;
  log: (line: string) => void;
  now?: () => number;
}

export type DataPlaneEnv = { Bindings: { vaultId: string } };

export function createDataPlane(deps: DataPlaneDeps): Hono<DataPlaneEnv> {
  const app = new Hono<DataPlaneEnv>();
  const now = deps.now ?? Date.now;
  app.all("*", async (c) => {
    const vault = deps.resources.get(c.env.vaultId);
    const url = new URL(c.req.url);
    if (vault === undefined) {
      return answer({ status: 404, code: "VaultNotFound", message: "This vault no longer exists." });
    }
    const settings = vaultSettingsOf(vault.properties);
    const challenge = {
      "www-authenticate": `Bearer authorization="${deps.authorityHost()}/${deps.tenantId}", resource="${keyVaultResource}"`,
    };
    const header = c.req.header("authorization");
    const caller = deps.callers.fromAuthorization(header);
    if (caller === undefined) {
      const message =
        header === undefined
          ? "AKV10000: Request is missing a Bearer or PoP token."
          : "The access token is invalid, has expired or was revoked.";
      return answer({ status: 401, code: "Unauthorized", message, headers: challenge });
    }
    if (!isKeyVaultAudience(caller.audience)) {
      return answer({
        status: 401,
        code: "Unauthorized",
        message: `AKV10022: Invalid audience. Expected ${keyVaultResource}, found: ${caller.audience}.`,
        headers: challenge,
      });
    }
    const apiVersion = url.searchParams.get("api-version");
    if (apiVersion === null || !API_VERSIONS.has(apiVersion)) {
      return answer(
        badParameter(
          apiVersion === null
            ? "The api-version query parameter is required."
            : `The specified version (${apiVersion}) is not recognized. Consider using the latest supported version (${LATEST_API_VERSION}).`,
        ),
      );
    }
    const decoded = decodePathSegments(url.pathname);
    if ("malformed" in decoded) return answer(badParameter(`The request URI is not valid: ${url.pathname}`));
    // `secrets/<name>/` keeps its empty last segment: it asks for the current version.
    const segments =
      url.pathname.endsWith("/") && decoded.segments.length === 2
        ? [...decoded.segments, ""]
        : decoded.segments;
    const operation = parseOperation(c.req.method.toUpperCase(), segments, url.pathname);
    if ("status" in operation) return answer(operation);
    const refused = authorize(deps, caller, operation, vault.id, vault.name, vault.location, settings);
    if (refused !== undefined) return answer(refused);

    const nowMs = now();
    const nowSeconds = Math.floor(nowMs / 1000);
    deps.secrets.settleDue(vault.id, nowMs);
    deps.secrets.purgeExpired(vault.id, nowSeconds);
    const result = runOperation(operation, {
      vaultId: vault.id,
      settings,
      secrets: deps.secrets,
      nowSeconds,
      settlesAtMs: deps.operationDelayMs > 0 ? nowMs + deps.operationDelayMs : undefined,
      body: await readJson(c.req.raw),
      query: url.searchParams,
      apiVersion,
      path: url.pathname,
    });
    if ("code" in result) return answer(result);
    return respond(result.status, result.body);
  });
  app.onError((error, c) => {
    // As on ARM and Graph: the cause goes to the log (method and path only, never the body, which may
    // hold a secret value), the caller gets a fixed sentence.
    deps.log(
      `sandbox-cloud: internal error answering Key Vault ${c.req.method} ${new URL(c.req.url).pathname}: ${error.stack ?? error.message}`,
    );
    return answer({
      status: 500,
      code: "InternalServerError",
      message: "The sandbox cloud failed to process the request. Its log has the details.",
    });
  });
  return app;
}

function authorize(
  deps: DataPlaneDeps,
  caller: Caller,
  operation: SecretOperation,
  vaultId: string,
  vaultName: string,
  location: string | undefined,
  settings: VaultSettings,
): DataPlaneError | undefined {
  const { dataAction, policy } = permissionOf[operation.kind];
  const scope = "name" in operation ? `${vaultId}/secrets/${operation.name}` : vaultId;
  const who = `appid=${caller.clientId};oid=${principalIdOf(caller)};iss=https://sts.windows.net/${deps.tenantId}/`;
  const vault = `${vaultName};location=${location ?? ""}`;
  if (!settings.enableRbacAuthorization) {
    return {
      status: 403,
      code: "Forbidden",
      message: `The user, group or application '${who}' does not have secrets ${policy} permission on key vault '${vault}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
      innerCode: "ForbiddenByPolicy",
    };
  }
  if (deps.allowsData(caller, dataAction, scope)) return undefined;
  return {
    status: 403,
    code: "Forbidden",
    message: [
      "Caller is not authorized to perform action on resource.",
      "If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.",
      `Caller: ${who}`,
      `Action: '${dataAction}'`,
      `Resource: '${scope.toLowerCase()}'`,
      "Assignment: (not found)",
      "DenyAssignmentId: null",
      "DecisionReason: null ",
      `Vault: ${vault}`,
      "",
    ].join("\r\n"),
    innerCode: "ForbiddenByRbac",
  };
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function answer(error: DataPlaneError): Response {
  return respond(error.status, errorBody(error), error.headers);
}

function respond(status: number, body: unknown, extra: Record<string, string> = {}): Response {
  const headers = new Headers(extra);
  headers.set("x-ms-request-id", randomUUID());
  if (body === undefined) return new Response(null, { status, headers });
  headers.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(body), { status, headers });
}

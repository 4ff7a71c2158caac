// The managed identity endpoint a job execution's containers get tokens from, in the App Service protocol
// Container Apps uses (learn.microsoft.com/azure/container-apps/managed-identity, "REST endpoint reference"):
// GET IDENTITY_ENDPOINT?resource=…&api-version=2019-08-01[&client_id=…|principal_id=…|object_id=…|mi_res_id=…]
// with header X-IDENTITY-HEADER = IDENTITY_HEADER. It answers { access_token, expires_on, resource,
// token_type, client_id }. The header is the execution's own and lives as long as the execution runs, so a
// token is only ever issued to a running execution, for one of its job's user-assigned identities. Without
// an id the platform would pick the system-assigned identity, which sandbox jobs never have.
import type { Hono } from "hono";
import type { Principals } from "../auth/principals.ts";
import type { ExecutionRunner } from "../container-apps/execution-runner.ts";
import type { ServicePrincipalStore } from "../store/service-principal-store.ts";

export const IDENTITY_ENDPOINT_PATH = "/msi/token";
const API_VERSION = "2019-08-01";
const ID_PARAMETERS = ["client_id", "principal_id", "object_id", "mi_res_id"] as const;

export interface IdentityEndpointDeps {
  runner: ExecutionRunner;
  principals: Principals;
  servicePrincipals: ServicePrincipalStore;
}

export function registerIdentityEndpoint(app: Hono, deps: IdentityEndpointDeps): void {
  app.get(IDENTITY_ENDPOINT_PATH, (c) => {
    // MSAL reads `error` and `message` from an answer that is not a token.
    const refuse = (status: 400 | 401, message: string) =>
      c.json({ error: status === 401 ? "unauthorized_client" : "invalid_request", message }, status);
    const header = c.req.header("x-identity-header");
    const identities = header === undefined ? undefined : deps.runner.identitiesFor(header);
    if (identities === undefined) {
      return refuse(
        401,
        "The X-IDENTITY-HEADER header is missing or is not that of a running job execution.",
      );
    }
    const query = new URL(c.req.url).searchParams;
    if (query.get("api-version") !== API_VERSION) {
      return refuse(400, `The api-version query parameter must be ${API_VERSION}.`);
    }
    const resource = query.get("resource");
    if (!resource)
      return refuse(400, "The resource query parameter is required, e.g. https://vault.azure.net.");
    const given = ID_PARAMETERS.filter((name) => query.has(name));
    if (given.length !== 1) {
      return refuse(
        400,
        given.length === 0
          ? "This job has no system-assigned identity: name one of its user-assigned identities with client_id, principal_id, object_id or mi_res_id."
          : "Name the identity with one of client_id, principal_id, object_id or mi_res_id, not several.",
      );
    }
    const parameter = given[0] as (typeof ID_PARAMETERS)[number];
    const value = (query.get(parameter) ?? "").toLowerCase();
    const identity = identities.find((i) =>
      parameter === "client_id"
        ? i.clientId.toLowerCase() === value
        : parameter === "mi_res_id"
          ? i.resourceId.toLowerCase() === value
          : i.principalId.toLowerCase() === value,
    );
    // An identity deleted since the execution started no longer has a principal to sign in as.
    if (identity === undefined || deps.servicePrincipals.get(identity.principalId) === undefined) {
      return refuse(400, `The identity ${parameter}=${query.get(parameter)} is not assigned to this job.`);
    }
    const audience = resource.trim().replace(/\/+$/, "").toLowerCase();
    const issued = deps.principals.issueToken(identity.clientId, audience);
    return c.json({
      access_token: issued.accessToken,
      expires_on: String(Math.floor(Date.now() / 1000) + issued.expiresInSeconds),
      resource,
      token_type: "Bearer",
      client_id: identity.clientId,
    });
  });
}

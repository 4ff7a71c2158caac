// Decides a client-credentials token request the way Entra does, in Entra's order and with its error
// codes: the tenant, the grant, the scope, then the client (a bootstrap principal, or an application
// with a live password and a service principal). With a replication delay (realism), an application or
// service principal younger than the delay is not found yet, and a secret younger than it is not valid yet.
import type { ApplicationStore } from "../store/application-store.ts";
import type { Replication } from "../store/replication-store.ts";
import type { ServicePrincipalStore } from "../store/service-principal-store.ts";
import { audienceOfScope } from "./audiences.ts";
import { type EntraError, entraError } from "./entra-error.ts";
import type { IssuedToken, Principals } from "./principals.ts";

export interface ClientCredentialsDeps {
  tenantId: string;
  principals: Principals;
  applications: ApplicationStore;
  servicePrincipals: ServicePrincipalStore;
  replication: Replication;
}

export function grantClientCredentials(
  deps: ClientCredentialsDeps,
  tenant: string,
  form: URLSearchParams,
): IssuedToken | EntraError {
  if (tenant.toLowerCase() !== deps.tenantId.toLowerCase()) {
    return entraError(
      400,
      "invalid_request",
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  if (form.get("grant_type") !== "client_credentials") {
    return entraError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
  }
  const scope = form.get("scope");
  if (scope === null || scope.trim() === "") {
    return entraError(
      400,
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'scope'.",
    );
  }
  const audience = audienceOfScope(scope);
  if (audience === undefined) {
    return entraError(
      400,
      "invalid_scope",
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const clientId = form.get("client_id") ?? "";
  if (clientId === "") {
    return entraError(
      400,
      "invalid_request",
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  const secret = form.get("client_secret") ?? "";
  const invalidSecret = () =>
    entraError(
      401,
      "invalid_client",
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    );

  const bootstrap = deps.principals.checkBootstrapSecret(clientId, secret);
  if (bootstrap !== undefined) {
    return bootstrap ? deps.principals.issueToken(clientId, audience) : invalidSecret();
  }

  const app = deps.applications.getByAppId(clientId);
  const sp = app === undefined ? undefined : deps.servicePrincipals.getByAppId(app.appId);
  const { replication } = deps;
  const young =
    app !== undefined &&
    (replication.pending("application", app.id) ||
      (sp !== undefined && replication.pending("servicePrincipal", sp.id)));
  if (app === undefined || young) {
    return entraError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${deps.tenantId}'.`,
    );
  }
  const match = deps.applications.matchSecret(app.id, secret);
  // Entra answers a secret it has not replicated yet exactly as a wrong one.
  if (match === undefined || replication.pending("password", match.keyId)) return invalidSecret();
  if (match.check === "expired") {
    return entraError(
      401,
      "invalid_client",
      7000222,
      `The provided client secret keys for app '${app.appId}' are expired.`,
    );
  }
  if (sp === undefined) {
    return entraError(
      401,
      "invalid_client",
      7000229,
      `The client application ${app.appId} is missing service principal in the tenant ${deps.tenantId}.`,
    );
  }
  return deps.principals.issueToken(app.appId, audience);
}

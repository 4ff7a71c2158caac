// POST /v1.0/applications/{id}/addPassword and …/removePassword. The secret is returned once, in the
// addPassword answer, and never again: the application lists its credentials by keyId and hint only.
import type { Application } from "../store/application-store.ts";
import type { DirectoryDeps, GraphRequest } from "./directory-deps.ts";
import { type AuditTarget, type GraphResult, graphError, methodNotAllowed } from "./result.ts";

// Graph's default lifetime for a password created without an endDateTime.
const twoYearsMs = 2 * 365 * 24 * 3600 * 1000;

export function addPassword(
  deps: DirectoryDeps,
  app: Application,
  req: GraphRequest,
  audit: AuditTarget,
): GraphResult {
  if (req.method !== "POST") return methodNotAllowed(req.method);
  const given = req.body?.passwordCredential ?? {};
  if (given === null || typeof given !== "object") {
    return graphError(
      400,
      "Request_BadRequest",
      "Invalid value specified for property 'passwordCredential' of resource 'Application'.",
      audit,
    );
  }
  const fields = given as Record<string, unknown>;
  const start = fields.startDateTime === undefined ? new Date() : new Date(String(fields.startDateTime));
  const end =
    fields.endDateTime === undefined
      ? new Date(start.getTime() + twoYearsMs)
      : new Date(String(fields.endDateTime));
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start) {
    return graphError(
      400,
      "Request_BadRequest",
      "Invalid value specified for property 'endDateTime' of resource 'PasswordCredential'.",
      audit,
    );
  }
  const displayName = typeof fields.displayName === "string" ? fields.displayName : null;
  const { credential, secretText } = deps.applications.addPassword(app.id, {
    displayName,
    startDateTime: start,
    endDateTime: end,
  });
  // Sign-in with it is refused until it has replicated (realism.replicationDelayMs).
  deps.replication.written("password", credential.keyId);
  return {
    status: 200,
    body: {
      "@odata.context": `${deps.baseUrl}/v1.0/$metadata#microsoft.graph.passwordCredential`,
      ...credential,
      secretText,
    },
    target: audit,
  };
}

export function removePassword(
  deps: DirectoryDeps,
  app: Application,
  req: GraphRequest,
  audit: AuditTarget,
): GraphResult {
  if (req.method !== "POST") return methodNotAllowed(req.method);
  const keyId = req.body?.keyId;
  if (typeof keyId !== "string")
    return graphError(400, "Request_BadRequest", "Property 'keyId' is required.", audit);
  if (!deps.applications.removePassword(app.id, keyId)) {
    return graphError(
      400,
      "Request_BadRequest",
      `No password credential with keyId '${keyId}' exists on the application.`,
      audit,
    );
  }
  return { status: 204, target: audit };
}

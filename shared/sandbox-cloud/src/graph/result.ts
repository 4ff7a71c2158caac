// What Graph handlers return: the HTTP answer, plus the directory object a write touched so the front
// door can write the audit record. Errors use Graph's envelope; innerError's request-id and date are
// filled in by the front door, which knows the request.
export interface AuditTarget {
  id: string;
  displayName: string;
  type: "Application" | "ServicePrincipal";
}

export interface GraphResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  target?: AuditTarget;
  /** The audit activity when only the outcome tells (an upsert that created, a permanent delete). */
  activityDisplayName?: string;
  /** Further audit records a cascade produced (deleting an application deletes its service principal). */
  cascade?: { activityDisplayName: string; target: AuditTarget }[];
}

export interface GraphErrorBody {
  error: { code: string; message: string; innerError?: Record<string, string> };
}

export function graphError(status: number, code: string, message: string, target?: AuditTarget): GraphResult {
  const body: GraphErrorBody = { error: { code, message } };
  return { status, body, ...(target === undefined ? {} : { target }) };
}

export function notFound(id: string): GraphResult {
  return graphError(
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

export function methodNotAllowed(method: string): GraphResult {
  return graphError(
    405,
    "Request_BadRequest",
    `The HTTP method '${method}' is not allowed for this resource.`,
  );
}

// GET /v1.0/auditLogs/directoryAudits with the filters Graph documents for it: activityDateTime ranges
// and equality on the caller's appId, category, activity, operation type and result.
import type { DirectoryAuditStore } from "../store/directory-audit-store.ts";
import { collection } from "./collection.ts";
import type { GraphRequest } from "./directory-deps.ts";
import { type GraphClause, parseGraphFilter, stringMatches } from "./filter.ts";
import { type GraphResult, graphError, methodNotAllowed } from "./result.ts";

type Audit = Record<string, unknown> & {
  activityDateTime: string;
  initiatedBy: { app: { appId: string } };
};

const equality: Record<string, (audit: Audit) => string> = {
  "initiatedby/app/appid": (a) => a.initiatedBy.app.appId,
  category: (a) => String(a.category),
  activitydisplayname: (a) => String(a.activityDisplayName),
  operationtype: (a) => String(a.operationType),
  result: (a) => String(a.result),
};

export function directoryAudits(store: DirectoryAuditStore, req: GraphRequest, baseUrl: string): GraphResult {
  if (req.method !== "GET") return methodNotAllowed(req.method);
  const clauses = parseGraphFilter(req.url.searchParams.get("$filter"));
  if (typeof clauses === "string") return graphError(400, "BadRequest", clauses);
  const tests: ((audit: Audit) => boolean)[] = [];
  for (const clause of clauses) {
    const test = clauseTest(clause);
    if (typeof test === "string") return graphError(400, "Request_UnsupportedQuery", test);
    tests.push(test);
  }
  const items = (store.list() as Audit[]).filter((audit) => tests.every((t) => t(audit)));
  return collection(items, req.url, baseUrl, "auditLogs/directoryAudits");
}

function clauseTest(clause: GraphClause): ((audit: Audit) => boolean) | string {
  if (clause.path === "activitydatetime") {
    const bound = new Date(clause.value);
    if (Number.isNaN(bound.getTime())) return `'${clause.value}' is not a valid DateTimeOffset.`;
    const at = (a: Audit) => new Date(a.activityDateTime).getTime();
    const b = bound.getTime();
    if (clause.op === "ge") return (a) => at(a) >= b;
    if (clause.op === "gt") return (a) => at(a) > b;
    if (clause.op === "le") return (a) => at(a) <= b;
    if (clause.op === "lt") return (a) => at(a) < b;
  }
  const field = equality[clause.path];
  if (field !== undefined && (clause.op === "eq" || clause.op === "ne"))
    return (a) => stringMatches(clause, field(a));
  return `Unsupported or invalid query filter clause specified for property '${clause.path}' of resource 'directoryAudit'.`;
}

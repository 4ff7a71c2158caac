// GET /subscriptions/{s}/providers/Microsoft.Insights/eventtypes/management/values — the Azure Monitor
// Activity Log list. As in Azure, the filter must bound eventTimestamp from below.
import type { ActivityQuery, ActivityStore } from "../store/activity-store.ts";
import { parseFilter } from "./filter.ts";
import { type ArmResult, armError } from "./result.ts";

const operationName = "Microsoft.Insights/eventtypes/values/read";

export function listActivity(
  store: ActivityStore,
  subscriptionId: string,
  filter: string | undefined,
): ArmResult {
  const scope = `/subscriptions/${subscriptionId}`;
  const bad = (message: string) => armError(400, "BadRequest", message, operationName, scope);
  const clauses = parseFilter(filter);
  if (typeof clauses === "string") return bad(clauses);
  const query: Partial<ActivityQuery> = { subscriptionId };
  for (const { field, op, value } of clauses) {
    if (field === "eventtimestamp" && (op === "ge" || op === "le")) {
      const time = new Date(value);
      if (Number.isNaN(time.getTime())) return bad(`'${value}' is not a valid eventTimestamp.`);
      if (op === "ge") query.from = time.toISOString();
      else query.to = time.toISOString();
    } else if (op === "eq" && field === "resourcegroupname") query.resourceGroupName = value;
    else if (op === "eq" && field === "resourceuri") query.resourceUri = value;
    else if (op === "eq" && field === "resourceprovider") query.resourceProvider = value;
    else if (op === "eq" && field === "correlationid") query.correlationId = value;
    else return bad(`The filter clause on '${field}' is not supported.`);
  }
  if (query.from === undefined) return bad("The $filter must include eventTimestamp ge '<start time>'.");
  return {
    status: 200,
    body: { value: store.query(query as ActivityQuery) },
    operationName,
    resourceId: scope,
  };
}

/** The resource group scope an activity query is limited to, for authorization. */
export function activityScope(subscriptionId: string, filter: string | undefined): string {
  const clauses = parseFilter(filter);
  const group =
    typeof clauses === "string" ? undefined : clauses.find((c) => c.field === "resourcegroupname");
  const base = `/subscriptions/${subscriptionId}`;
  return group === undefined ? base : `${base}/resourceGroups/${group.value}`;
}

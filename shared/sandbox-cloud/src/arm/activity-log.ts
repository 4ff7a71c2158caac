// GET /subscriptions/{s}/providers/Microsoft.Insights/eventtypes/management/values — the Azure Monitor
// Activity Log list. As in Azure, the filter must bound eventTimestamp from below; results come newest
// first in pages with a nextLink the SDK's pager follows.
import type { ActivityQuery, ActivityStore } from "../store/activity-store.ts";
import { parseFilter } from "./filter.ts";
import { type ArmResult, armError } from "./result.ts";

const operationName = "Microsoft.Insights/eventtypes/values/read";
export const activityPageSize = 200;

export function listActivity(
  store: ActivityStore,
  subscriptionId: string,
  url: URL,
  baseUrl: string,
): ArmResult {
  const scope = `/subscriptions/${subscriptionId}`;
  const bad = (message: string) => armError(400, "BadRequest", message, operationName, scope);
  const clauses = parseFilter(url.searchParams.get("$filter") ?? undefined);
  if (typeof clauses === "string") return bad(clauses);
  const query: Partial<ActivityQuery> = { subscriptionId };
  for (const { field, op, value } of clauses) {
    if (field === "eventtimestamp" && (op === "ge" || op === "le")) {
      const time = new Date(value);
      if (Number.isNaN(time.getTime())) return bad(`'${value}' is not a valid eventTimestamp.`);
      if (op === "ge") query.from = time.toISOString();
      else query.to = time.toISOString();
    } else if (op === "eq" && field === "resourcegroupname") query.resourceGroupName = value;
    else if (op === "eq" && (field === "resourceuri" || field === "resourceid")) query.resourceUri = value;
    else if (op === "eq" && field === "resourceprovider") query.resourceProvider = value;
    else if (op === "eq" && field === "correlationid") query.correlationId = value;
    else if (op === "eq" && field === "caller") query.caller = value;
    else return bad(`The filter clause on '${field}' is not supported.`);
  }
  if (query.from === undefined) return bad("The $filter must include eventTimestamp ge '<start time>'.");
  const skipToken = url.searchParams.get("$skipToken") ?? url.searchParams.get("$skiptoken") ?? undefined;
  if (skipToken !== undefined && !/^\d+$/.test(skipToken)) return bad("The $skipToken is not valid.");
  const page = store.query(query as ActivityQuery, activityPageSize, skipToken);
  return {
    status: 200,
    body: {
      value: page.events,
      ...(page.next === undefined ? {} : { nextLink: nextLink(url, baseUrl, page.next) }),
    },
    operationName,
    resourceId: scope,
  };
}

function nextLink(url: URL, baseUrl: string, next: string): string {
  const link = new URL(`${url.pathname}${url.search}`, baseUrl);
  link.searchParams.delete("$skiptoken");
  link.searchParams.set("$skipToken", next);
  // As Azure writes it: OData options with a literal `$`, which needs no escaping in a query.
  return link.toString().replaceAll("%24", "$");
}

/** The resource group scope an activity query is limited to, for authorization. */
export function activityScope(subscriptionId: string, filter: string | undefined): string {
  const clauses = parseFilter(filter);
  const group =
    typeof clauses === "string" ? undefined : clauses.find((c) => c.field === "resourcegroupname");
  const base = `/subscriptions/${subscriptionId}`;
  return group === undefined ? base : `${base}/resourceGroups/${group.value}`;
}

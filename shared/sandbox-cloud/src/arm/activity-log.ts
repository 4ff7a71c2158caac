// GET /subscriptions/{s}/providers/Microsoft.Insights/eventtypes/management/values — the Azure Monitor
// Activity Log list. As in Azure, the filter must bound eventTimestamp from below; results come newest
// first in pages with a nextLink the SDK's pager follows.
import type { ActivityStore } from "../store/activity-store.ts";
import type { ActivityFilter } from "./activity-filter.ts";
import { type ArmResult, armError } from "./result.ts";

const operationName = "Microsoft.Insights/eventtypes/values/read";
export const activityPageSize = 200;

/** Lists what `filter` selects: the same parsed filter the caller was authorized for. */
export function listActivity(
  store: ActivityStore,
  subscriptionId: string,
  filter: ActivityFilter,
  url: URL,
  baseUrl: string,
): ArmResult {
  const scope = `/subscriptions/${subscriptionId}`;
  const bad = (message: string) => armError(400, "BadRequest", message, operationName, scope);
  const skipToken = url.searchParams.get("$skipToken") ?? url.searchParams.get("$skiptoken") ?? undefined;
  if (skipToken !== undefined && !/^\d+$/.test(skipToken)) return bad("The $skipToken is not valid.");
  const page = store.query({ subscriptionId, ...filter }, activityPageSize, skipToken);
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

/** The scope an activity query is limited to, for authorization: its resource group, else the subscription. */
export function activityScope(subscriptionId: string, filter: ActivityFilter): string {
  const base = `/subscriptions/${subscriptionId}`;
  return filter.resourceGroupName === undefined ? base : `${base}/resourceGroups/${filter.resourceGroupName}`;
}

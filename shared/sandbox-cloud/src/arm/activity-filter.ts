// The Activity Log's `$filter`, read strictly to the grammar Azure documents for
// `GET …/providers/Microsoft.Insights/eventtypes/management/values`: `eventTimestamp ge '…'` (required),
// optionally `eventTimestamp le '…'`, at most one of `resourceGroupName`, `resourceUri` (alias
// `resourceId`), `resourceProvider` or `correlationId` `eq '…'`, and `caller eq '…'` (what Get-AzLog adds).
// Each clause may appear once: the one parsed value is what authorization checks and what the query
// selects, so a second clause cannot pass the check while naming other data.
import { parseFilter } from "./filter.ts";
import { resourceGroupNameProblem } from "./naming.ts";

export interface ActivityFilter {
  from: string;
  to?: string;
  caller?: string;
  resourceGroupName?: string;
  resourceUri?: string;
  resourceProvider?: string;
  correlationId?: string;
}

type Selector = "resourceGroupName" | "resourceUri" | "resourceProvider" | "correlationId";

const selectors: Record<string, Selector> = {
  resourcegroupname: "resourceGroupName",
  resourceuri: "resourceUri",
  resourceid: "resourceUri",
  resourceprovider: "resourceProvider",
  correlationid: "correlationId",
};

/** The parsed filter, or a message saying what is wrong with it. */
export function parseActivityFilter(filter: string | undefined): ActivityFilter | string {
  const clauses = parseFilter(filter);
  if (typeof clauses === "string") return clauses;
  const parsed: Partial<ActivityFilter> = {};
  let selector: Selector | undefined;
  for (const { field, op, value } of clauses) {
    const key =
      field === "eventtimestamp" && op === "ge"
        ? "from"
        : field === "eventtimestamp" && op === "le"
          ? "to"
          : op === "eq" && field === "caller"
            ? "caller"
            : op === "eq"
              ? selectors[field]
              : undefined;
    if (key === undefined) return `The filter clause '${field} ${op}' is not supported.`;
    if (parsed[key] !== undefined) {
      return `The filter repeats its '${key}' clause; each clause may appear once.`;
    }
    if (key === "from" || key === "to") {
      const time = new Date(value);
      if (Number.isNaN(time.getTime())) return `'${value}' is not a valid eventTimestamp.`;
      parsed[key] = time.toISOString();
      continue;
    }
    if (key !== "caller") {
      if (selector !== undefined) {
        return `The filter names both '${selector}' and '${key}'; it may select by at most one of resourceGroupName, resourceUri, resourceProvider and correlationId.`;
      }
      selector = key;
    }
    if (key === "resourceGroupName") {
      const problem = resourceGroupNameProblem(value);
      if (problem !== undefined) return problem.message;
    }
    parsed[key] = value;
  }
  if (parsed.from === undefined) return "The $filter must include eventTimestamp ge '<start time>'.";
  return parsed as ActivityFilter;
}

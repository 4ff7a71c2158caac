// Graph's collection response: `@odata.context`, `value`, and `@odata.nextLink` when `$top` cut the
// page short. `$select` narrows every object. The skip token is opaque to clients, as in Graph.
import { type GraphResult, graphError } from "./result.ts";

const defaultPageSize = 100;

export function collection(items: object[], url: URL, baseUrl: string, context: string): GraphResult {
  const topParam = url.searchParams.get("$top");
  const top = topParam === null ? defaultPageSize : Number(topParam);
  if (!Number.isInteger(top) || top < 1 || top > 999) {
    return graphError(
      400,
      "Request_BadRequest",
      `Invalid page size specified: '${topParam}'. Must be between 1 and 999 inclusive.`,
    );
  }
  const token = url.searchParams.get("$skiptoken") ?? url.searchParams.get("$skipToken");
  const offset = token === null ? 0 : decodeToken(token);
  if (offset === undefined) return graphError(400, "Request_BadRequest", "The $skiptoken is not valid.");
  const page = items.slice(offset, offset + top).map((item) => select(item, url));
  const body: Record<string, unknown> = {
    "@odata.context": `${baseUrl}/v1.0/$metadata#${context}`,
    value: page,
  };
  if (offset + top < items.length) {
    const next = new URL(`${url.pathname}${url.search}`, baseUrl);
    next.searchParams.delete("$skipToken");
    next.searchParams.set("$skiptoken", Buffer.from(`offset:${offset + top}`).toString("base64url"));
    // Graph writes OData system query options with a literal `$`; `$` needs no escaping in a query.
    body["@odata.nextLink"] = next.toString().replaceAll("%24", "$");
  }
  return { status: 200, body };
}

export function entity(item: object, url: URL, baseUrl: string, context: string): GraphResult {
  return {
    status: 200,
    body: { "@odata.context": `${baseUrl}/v1.0/$metadata#${context}/$entity`, ...select(item, url) },
  };
}

function select(item: object, url: URL): Record<string, unknown> {
  const fields = url.searchParams.get("$select");
  const record = item as Record<string, unknown>;
  if (fields === null || fields.trim() === "") return record;
  const wanted = new Set(fields.split(",").map((f) => f.trim().toLowerCase()));
  return Object.fromEntries(Object.entries(record).filter(([key]) => wanted.has(key.toLowerCase())));
}

function decodeToken(token: string): number | undefined {
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, "base64url").toString());
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

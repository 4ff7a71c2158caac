// Azure answers a list filtered by tag name and value without the tags of the resources it lists: "When you
// filter by a tag name and value, the tags for each resource are not returned in the results" (Resources -
// List, `$filter`). With realism's tagFilteredListsOmitTags the sandbox answers so too, for resource groups
// as well (their doc says nothing either way), so HayMaker never reads tags from such an answer.
import type { ArmResource } from "../store/resource-store.ts";
import { parseFilter } from "./filter.ts";
import type { ArmResult } from "./result.ts";

/** True when `filter` selects by tag (tagName, with or without tagValue). */
export function filtersByTag(filter: string | undefined): boolean {
  const clauses = parseFilter(filter);
  return typeof clauses !== "string" && clauses.some((clause) => clause.field === "tagname");
}

/** The list answer with each item's tags left out, when it was filtered by tag and realism asks for it. */
export function withTagsOmitted(result: ArmResult, filter: string | undefined, omit: boolean): ArmResult {
  if (!omit || result.status !== 200 || !filtersByTag(filter)) return result;
  const body = result.body as { value: ArmResource[] };
  return { ...result, body: { ...body, value: body.value.map(({ tags: _omitted, ...rest }) => rest) } };
}

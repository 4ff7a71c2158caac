// Finding resource groups and resources by several tags, the way ARM allows it. ARM filters a list on one
// tag pair at a time, and answers a tag-filtered list WITHOUT the tags of what it lists ("When you filter by
// a tag name and value, the tags for each resource are not returned in the results", Resources - List), so
// the other tags cannot be matched on the answer. Instead:
//   1. one filtered list per tag (groups and resources): each list guarantees its own tag and nothing else;
//      what is in every list carries every tag — no tag needs to be read for that;
//   2. for what was found, the tags are read by id (a GET returns them) unless the list did give them, since
//      callers use the other tags (an operator's cleanup learns each leftover's agent from its
//      haymaker-agent tag).
// Why not a GET of everything the first list finds: that costs one read per resource of the whole run for
// each agent's check, where a list per tag costs the same whatever the run's size, and the GETs left are
// for what is really left. Why not Azure Resource Graph (which returns tags): another SDK, another
// permission and its own indexing delay, for what two lists already answer.
import type { ResourceManagementClient } from "@azure/arm-resources";
import type { TaggedResource } from "../cloud-control.ts";
import type { ApiVersions } from "./api-versions.ts";
import { isNotFound } from "./errors.ts";

export const RESOURCE_GROUP_TYPE = "Microsoft.Resources/resourceGroups";

/** Tag reads by id at once: enough to be quick, few enough to stay far from ARM's read limits. */
const PARALLEL_READS = 4;

interface Candidate {
  resourceId: string;
  type: string;
  /** As the list answered: absent when ARM left the tags out. */
  tags: Record<string, string> | undefined;
}

export async function listByTags(
  client: ResourceManagementClient,
  apiVersions: ApiVersions,
  tags: Record<string, string>,
): Promise<TaggedResource[]> {
  const entries = Object.entries(tags);
  let found: Map<string, Candidate> | undefined;
  for (const [name, value] of entries) {
    const withTag = await listByTag(client, name, value);
    found = found === undefined ? withTag : new Map([...found].filter(([key]) => withTag.has(key)));
    if (found.size === 0) return [];
  }
  const complete = await mapLimited([...(found?.values() ?? [])], PARALLEL_READS, (candidate) =>
    withTags(client, apiVersions, candidate, entries),
  );
  return complete.filter((resource) => resource !== undefined);
}

/** Groups and resources with one tag, by lower-cased id (ARM ids compare case-insensitively). */
async function listByTag(
  client: ResourceManagementClient,
  name: string,
  value: string,
): Promise<Map<string, Candidate>> {
  const filter = `tagName eq '${quoted(name)}' and tagValue eq '${quoted(value)}'`;
  const found = new Map<string, Candidate>();
  for await (const group of client.resourceGroups.list({ filter })) {
    if (group.id === undefined) continue;
    found.set(group.id.toLowerCase(), { resourceId: group.id, type: RESOURCE_GROUP_TYPE, tags: group.tags });
  }
  for await (const resource of client.resources.list({ filter })) {
    if (resource.id === undefined || resource.type === undefined) continue;
    found.set(resource.id.toLowerCase(), {
      resourceId: resource.id,
      type: resource.type,
      tags: resource.tags,
    });
  }
  return found;
}

/**
 * The candidate with all its tags: those the list gave, when it gave them (it gives all or none), else
 * those a GET by id returns. Undefined when it is gone, or no longer carries every tag asked for.
 */
async function withTags(
  client: ResourceManagementClient,
  apiVersions: ApiVersions,
  candidate: Candidate,
  wanted: readonly [string, string][],
): Promise<TaggedResource | undefined> {
  let tags = candidate.tags;
  if (!carries(tags, wanted)) {
    try {
      tags = await readTags(client, apiVersions, candidate);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    if (!carries(tags, wanted)) return undefined;
  }
  return { resourceId: candidate.resourceId, type: candidate.type, tags: tags ?? {} };
}

async function readTags(
  client: ResourceManagementClient,
  apiVersions: ApiVersions,
  candidate: Candidate,
): Promise<Record<string, string> | undefined> {
  if (candidate.type.toLowerCase() === RESOURCE_GROUP_TYPE.toLowerCase()) {
    return (await client.resourceGroups.get(candidate.resourceId.split("/").at(-1) ?? "")).tags;
  }
  const apiVersion = await apiVersions.forType(candidate.type);
  return (await client.resources.getById(candidate.resourceId, apiVersion)).tags;
}

/** ARM tag names are case-insensitive; values are compared as given. */
function carries(tags: Record<string, string> | undefined, wanted: readonly [string, string][]): boolean {
  if (tags === undefined) return false;
  const lower = new Map(Object.entries(tags).map(([name, value]) => [name.toLowerCase(), value]));
  return wanted.every(([name, value]) => lower.get(name.toLowerCase()) === value);
}

function quoted(text: string): string {
  return text.replaceAll("'", "''");
}

async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

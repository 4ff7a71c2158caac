// Deleting what a tag query finds, the way ARM lets it be deleted: children before parents (a subnet before
// its virtual network, a blob container before its account), then the resource groups, which take with them
// whatever is left inside; then the same query again, so what is reported as left is what is really left.
import {
  type CloudControl,
  CloudControlError,
  RESOURCE_GROUP_TYPE,
  type TaggedResource,
} from "@haymaker/cloud-control";
import { type RetryPolicy, withRetries } from "./retry.ts";
import { shortReason } from "./short-reason.ts";

export type DeletingCloud = Pick<
  CloudControl,
  "subscriptionId" | "listTagged" | "deleteResource" | "deleteResourceGroup"
>;

export interface NotDeleted {
  resourceId: string;
  /** The short error (status, code, first line), never a response body. */
  reason: string;
}

export interface Deletion {
  /** What the tag query found before anything was deleted. */
  found: TaggedResource[];
  /** Ids deleted by this cleanup, resource groups included. */
  deleted: string[];
  /** Still there when the tag query ran again. */
  notDeleted: NotDeleted[];
}

/** Deletes at once; enough to be quick, few enough not to be throttled by ARM. */
const PARALLEL_DELETES = 8;
const STILL_THERE = "still listed after cleanup";

export async function deleteTagged(
  cloud: DeletingCloud,
  tags: Record<string, string>,
  options: { retry: RetryPolicy; alsoGroups?: readonly string[] },
): Promise<Deletion> {
  const found = await withRetries(() => cloud.listTagged(tags), options.retry);
  const groups = new Map<string, string>(); // lowercased name → ARM id
  for (const name of options.alsoGroups ?? []) groups.set(name.toLowerCase(), groupId(cloud, name));
  for (const item of found.filter(isGroup))
    groups.set(nameOf(item.resourceId).toLowerCase(), item.resourceId);

  const deleted: string[] = [];
  const failed = new Map<string, string>(); // lowercased id → reason
  const remove = async (resourceId: string, call: () => Promise<"deleted" | "absent">) => {
    try {
      if ((await withRetries(call, options.retry)) === "deleted") deleted.push(resourceId);
    } catch (error) {
      if (!(error instanceof CloudControlError)) throw error;
      if (error.status !== 404) failed.set(resourceId.toLowerCase(), shortReason(error));
    }
  };
  for (const level of deepestFirst(found.filter((item) => !isGroup(item)))) {
    await forEachLimited(level, PARALLEL_DELETES, (item) =>
      remove(item.resourceId, () => cloud.deleteResource(item.resourceId, item.type)),
    );
  }
  await forEachLimited([...groups], PARALLEL_DELETES, ([name, id]) =>
    remove(id, () => cloud.deleteResourceGroup(nameOf(id) || name)),
  );

  const remaining = await withRetries(() => cloud.listTagged(tags), options.retry);
  const stillThere = new Set(remaining.map((item) => item.resourceId.toLowerCase()));
  const failedAndGone = (id: string) => failed.has(id.toLowerCase()) && !stillThere.has(id.toLowerCase());
  // A resource whose own delete failed but which went with its group was deleted all the same.
  const goneWithGroup = found.filter((item) => !isGroup(item) && failedAndGone(item.resourceId));
  // A group that would not go but carries no tags (the agent's own, named by the event) is not listed.
  const untaggedGroupsLeft = [...groups.values()].filter(failedAndGone);
  return {
    found,
    deleted: [...deleted, ...goneWithGroup.map((item) => item.resourceId)].filter(
      (id) => !stillThere.has(id.toLowerCase()),
    ),
    notDeleted: [...remaining.map((item) => item.resourceId), ...untaggedGroupsLeft].map((resourceId) => ({
      resourceId,
      reason: failed.get(resourceId.toLowerCase()) ?? STILL_THERE,
    })),
  };
}

function isGroup(item: TaggedResource): boolean {
  return item.type.toLowerCase() === RESOURCE_GROUP_TYPE.toLowerCase();
}

function groupId(cloud: DeletingCloud, name: string): string {
  return `/subscriptions/${cloud.subscriptionId}/resourceGroups/${name}`;
}

function nameOf(resourceId: string): string {
  return resourceId.split("/").at(-1) ?? "";
}

/** Resources grouped by how deep their id is, deepest first: a child's id extends its parent's. */
function deepestFirst(resources: readonly TaggedResource[]): TaggedResource[][] {
  const byDepth = new Map<number, TaggedResource[]>();
  for (const resource of resources) {
    const depth = resource.resourceId.split("/").length;
    byDepth.set(depth, [...(byDepth.get(depth) ?? []), resource]);
  }
  return [...byDepth.entries()].sort(([a], [b]) => b - a).map(([, level]) => level);
}

export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
) {
  const queue = [...items];
  const worker = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, worker));
}

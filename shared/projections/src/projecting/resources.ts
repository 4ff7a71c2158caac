// A resource's status from what was reported about it, in any order:
//   created  until a deletion or a failed cleanup is reported;
//   left     when cleanup last reported it could not delete it and no deletion came after that;
//   deleted  otherwise, as of the first deletion after the last "left" (or the first deletion at all).
// Each report is kept (deletionsSeen, leftAt), and the status is recomputed from all of them, so the same
// reports give the same record whatever order they arrive in.
import type { ResourceDeletion, ResourceRecord, ResourceStatus } from "../records.ts";
import { earliest, latest } from "./merge.ts";
import { resourceRecordId, resourceTypeOf } from "./resource-ids.ts";

export interface ResourceOwner {
  runId: string;
  agentId: string;
  scenarioId: string;
}

export type ResourceReport =
  | { kind: "created"; at: string; type: string }
  /** verify-cleanup found it still tagged: proves it exists, moves nothing. */
  | { kind: "found"; at: string; type: string }
  | { kind: "deleted"; at: string; by: ResourceDeletion["by"]; type?: string }
  | { kind: "left"; at: string; reason: string };

export function newResource(owner: ResourceOwner, resourceId: string, at: string): ResourceRecord {
  return {
    id: resourceRecordId(resourceId),
    resourceId,
    ...owner,
    type: resourceTypeOf(resourceId),
    status: "created",
    deletionsSeen: [],
    updatedAt: at,
  };
}

export function reportResource(resource: ResourceRecord, report: ResourceReport): ResourceRecord {
  const next: ResourceRecord = { ...resource, updatedAt: latest(resource.updatedAt, report.at) as string };
  switch (report.kind) {
    case "created":
      next.createdAt = earliest(resource.createdAt, report.at);
      next.type = report.type;
      break;
    case "found":
      // The type as the agent reported it wins over what verify-cleanup found, whichever arrives first.
      if (resource.createdAt === undefined && !resource.deletionsSeen.some((seen) => seen.by === "agent"))
        next.type = report.type;
      break;
    case "deleted":
      if (report.type && resource.createdAt === undefined) next.type = report.type;
      if (!resource.deletionsSeen.some((seen) => seen.at === report.at && seen.by === report.by)) {
        next.deletionsSeen = [...resource.deletionsSeen, { at: report.at, by: report.by }].sort(
          byTimeThenAgent,
        );
      }
      break;
    case "left":
      if (resource.leftAt === undefined || report.at >= resource.leftAt) {
        next.leftAt = report.at;
        next.leftReason = report.reason;
      }
      break;
  }
  return settleStatus(next);
}

// At the same instant the agent's own report comes first: it names who actually deleted the resource.
function byTimeThenAgent(a: ResourceDeletion, b: ResourceDeletion): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.by === b.by ? 0 : a.by === "agent" ? -1 : 1;
}

function settleStatus(resource: ResourceRecord): ResourceRecord {
  const { leftAt } = resource;
  const deletion = resource.deletionsSeen.find((seen) => leftAt === undefined || seen.at > leftAt);
  const { deletedAt: _at, deletedBy: _by, ...rest } = resource;
  if (deletion) return { ...rest, status: "deleted", deletedAt: deletion.at, deletedBy: deletion.by };
  return { ...rest, status: leftAt === undefined ? "created" : "left" };
}

/** How an agent's resource counts change when one of its resources goes from `before` to `after`. */
export function countChange(
  before: ResourceStatus | undefined,
  after: ResourceStatus,
): { created: number; deleted: number; left: number } {
  const change = { created: before === undefined ? 1 : 0, deleted: 0, left: 0 };
  if (before === "deleted" || before === "left") change[before] -= 1;
  if (after === "deleted" || after === "left") change[after] += 1;
  return change;
}

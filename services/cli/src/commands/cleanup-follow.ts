// Following an operator's cleanup at /api/cleanups/{id} until force-cleanup reports back, and showing what
// it deleted and what it could not (and why).
import type { CleanedAgent, CleanupCompletedData } from "@haymaker/contracts";
import type { CommandContext } from "../command.ts";
import { print, type Terminal } from "../output.ts";
import { unlessNotFound } from "../unless-not-found.ts";

const POLL_MS = 1000;

type Outcome = NonNullable<CleanedAgent["secret"]>;

/** The part of the gateway's cleanup record shown here; once completed, it holds the event's report. */
export interface CleanupRecord {
  cleanupId: string;
  status: "requested" | "completed";
  agents?: CleanedAgent[];
  unowned?: CleanupCompletedData["unowned"];
  counts?: CleanupCompletedData["counts"];
  truncated?: boolean;
}

/** Polls the cleanup every second until it is completed. */
export async function followCleanup(
  { client, terminal }: CommandContext,
  cleanupId: string,
): Promise<CleanupRecord> {
  terminal.note(
    `${cleanupId} requested; waiting for force-cleanup to report back (Ctrl+C stops waiting, not the cleanup)`,
  );
  for (;;) {
    // Undefined only if the gateway could not record the request: the projector records it from the bus.
    const current = await unlessNotFound<CleanupRecord>(() => client().get(`/api/cleanups/${cleanupId}`));
    if (current?.status === "completed") return current;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export function failuresOf(cleanup: CleanupRecord): number {
  const counts = cleanup.counts;
  if (counts === undefined) return 0;
  return counts.resourcesNotDeleted + counts.identitiesNotDeleted + counts.secretsNotDeleted;
}

interface Row {
  agent: string;
  kind: "resource" | "identity" | "secret";
  what: string;
  result: string;
}

/** One row per thing the cleanup dealt with, what could not be deleted first. */
function rowsOf(cleanup: CleanupRecord): Row[] {
  const rows: Row[] = [];
  const result = (outcome: Outcome) =>
    outcome.deleted ? "deleted" : `NOT DELETED: ${outcome.reason ?? "no reason given"}`;
  const resources = (agent: string, list: NonNullable<CleanupRecord["unowned"]>) => {
    for (const { resourceId, reason } of list.notDeleted) {
      rows.push({ agent, kind: "resource", what: resourceId, result: result({ deleted: false, reason }) });
    }
    for (const resourceId of list.deleted)
      rows.push({ agent, kind: "resource", what: resourceId, result: "deleted" });
  };
  for (const agent of cleanup.agents ?? []) {
    const name = `${agent.runId}.${agent.agentId}`;
    if (agent.identity)
      rows.push({
        agent: name,
        kind: "identity",
        what: agent.identity.displayName,
        result: result(agent.identity),
      });
    if (agent.secret)
      rows.push({ agent: name, kind: "secret", what: "its secret", result: result(agent.secret) });
    resources(name, agent);
  }
  if (cleanup.unowned) resources("-", cleanup.unowned);
  return rows.sort((a, b) => Number(a.result === "deleted") - Number(b.result === "deleted"));
}

export function summaryOf(cleanup: CleanupRecord): string {
  const c = cleanup.counts;
  if (c === undefined) return `Cleanup ${cleanup.cleanupId} is ${cleanup.status}.`;
  const deleted = `Deleted ${c.resourcesDeleted} resources, ${c.identitiesDeleted} identities and ${c.secretsDeleted} secrets.`;
  const failed = failuresOf(cleanup);
  const notDeleted =
    failed === 0
      ? ""
      : ` Could not delete ${c.resourcesNotDeleted} resources, ${c.identitiesNotDeleted} identities and ${c.secretsNotDeleted} secrets.`;
  const truncated = cleanup.truncated ? " (Some deleted resources are not listed.)" : "";
  return `${deleted}${notDeleted}${truncated}`;
}

export function showCleanup(
  terminal: Terminal,
  format: CommandContext["format"],
  cleanup: CleanupRecord,
): void {
  print(terminal, format, cleanup, {
    rows: rowsOf(cleanup),
    columns: [
      { header: "AGENT", value: (row) => row.agent },
      { header: "KIND", value: (row) => row.kind },
      { header: "WHAT", value: (row) => row.what },
      { header: "RESULT", value: (row) => row.result },
    ],
    empty: "Nothing was left to delete.",
  });
  if (format === "table") terminal.write(summaryOf(cleanup));
}

// The history the gateway benchmark reads from: many finished runs as the pipeline would have projected
// them (agents, resources, identities, logs) in a file-backed projections store, with each completed
// run's report on disk, so a read pays what it pays in production: SQLite on a real file and the report
// file read and parsed.
import { SqliteProjectionStore } from "@haymaker/projections";
import { applyAll, runStory, type StoryAgent } from "@haymaker/projections/testing";
import { FileReportStore } from "@haymaker/stores";

const SCENARIOS = [
  "nsg-rule-tuning",
  "vm-start-stop",
  "storage-key-rotation-lifecycle",
  "keyvault-network-hardening",
  "cosmos-throughput-tuning",
  "servicebus-queue-management",
  "disk-snapshot-rotation",
];

/** Runs start every 30 minutes from here, as a scheduler would have started them. */
const FIRST_RUN_AT = Date.parse("2026-01-05T06:00:00Z");

/** A valid run id for the run requested at `at`, made unique by its index. */
export function runIdAt(index: number): string {
  const at = new Date(FIRST_RUN_AT + index * 30 * 60_000).toISOString();
  const stamp = `${at.slice(0, 10).replaceAll("-", "")}-${at.slice(11, 19).replaceAll(":", "")}`;
  return `run-${stamp}-${(index % 0x10000).toString(16).padStart(4, "0")}`;
}

/** A mix like real history: most agents complete; now and then one fails, times out or leaves storage. */
function agentsOf(runIndex: number, agentsPerRun: number): StoryAgent[] {
  return Array.from({ length: agentsPerRun }, (_, agentIndex) => {
    const n = runIndex * agentsPerRun + agentIndex;
    const outcome = n % 23 === 0 ? "failed" : n % 37 === 0 ? "timed-out" : "completed";
    // A run's scenarios must be distinct; past the catalogue's few, a numbered copy stands in.
    const round = Math.floor(agentIndex / SCENARIOS.length);
    const scenario = SCENARIOS[(runIndex + agentIndex) % SCENARIOS.length] as string;
    return {
      scenarioId: round === 0 ? scenario : `${scenario}-${round}`,
      outcome,
      leaveStorage: n % 29 === 0,
    };
  });
}

/** What report.json holds for a story run: the summary and one entry per agent, like the report service's. */
function reportOf(runId: string, agents: readonly StoryAgent[], requestedAt: number) {
  const at = (minutes: number, seconds = 0) =>
    new Date(requestedAt + minutes * 60_000 + seconds * 1000).toISOString();
  const count = (outcome: string) => agents.filter((agent) => agent.outcome === outcome).length;
  return {
    reportVersion: 1,
    runId,
    status: "completed",
    generatedAt: at(45),
    summary: {
      agents: agents.length,
      completed: count("completed"),
      failed: count("failed"),
      timedOut: count("timed-out"),
      cancelled: 0,
      leftovers: agents.filter((agent) => agent.leaveStorage).length,
    },
    agents: agents.map((agent, index) => {
      const agentId = `a${String(index + 1).padStart(2, "0")}`;
      const group = `haymaker-${runId}-${agentId}`;
      const storage = `/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/${group}/providers/Microsoft.Storage/storageAccounts/st${agentId}`;
      return {
        agentId,
        scenarioId: agent.scenarioId,
        outcome: agent.outcome,
        deployedAt: at(4, index),
        finishedAt: at(40, index),
        durationSeconds: 36 * 60,
        cleanedAt: at(42, index),
        resourceGroup: group,
        identity: {
          displayName: group,
          appId: `0a1b2c3d-0000-4000-8000-${String(index * 10 + 1).padStart(12, "0")}`,
          deleted: true,
        },
        secretDeleted: true,
        resources: {
          created: [storage],
          deleted: agent.leaveStorage ? [] : [storage],
          left: agent.leaveStorage ? [{ resourceId: storage, reason: "locked by a delete lock" }] : [],
        },
        activity: {
          from: at(4, index),
          to: at(42, index),
          total: 14,
          byOperation: {
            "Microsoft.Storage/storageAccounts/write": 6,
            "Microsoft.Storage/storageAccounts/read": 8,
          },
          failed: [],
        },
        errors: agent.outcome === "completed" ? [] : [`the agent ended as ${agent.outcome}`],
      };
    }),
  };
}

export interface PopulateOptions {
  dataDirectory: string;
  runs: number;
  agentsPerRun: number;
}

export interface PopulatedHistory {
  projections: SqliteProjectionStore;
  reports: FileReportStore;
  runIds: string[];
  events: number;
}

/** Fills a fresh store under `dataDirectory` with `runs` completed runs of `agentsPerRun` agents each. */
export async function populate(options: PopulateOptions): Promise<PopulatedHistory> {
  const projections = SqliteProjectionStore.open(options.dataDirectory);
  const reports = new FileReportStore(options.dataDirectory);
  const runIds: string[] = [];
  let events = 0;
  for (let index = 0; index < options.runs; index++) {
    const runId = runIdAt(index);
    const requestedAt = FIRST_RUN_AT + index * 30 * 60_000;
    const agents = agentsOf(index, options.agentsPerRun);
    const story = runStory({ runId, requestedAt: new Date(requestedAt).toISOString(), agents });
    await applyAll(projections, story);
    await reports.put(runId, {
      json: reportOf(runId, agents, requestedAt),
      markdown: `# HayMaker run ${runId}\n\n${agents.length} agents.\n`,
    });
    runIds.push(runId);
    events += story.length;
  }
  return { projections, reports, runIds, events };
}

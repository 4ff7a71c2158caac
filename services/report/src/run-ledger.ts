// The run ledger: what the report phase remembers between deliveries. Agents of a run are cleaned one by
// one, in any order and perhaps more than once (at-least-once delivery); the report is written when the
// last of them is in. Two adapters: the local SQLite file (sqlite-run-ledger.ts) and, in Azure, the state
// container in Cosmos DB (cosmos-run-ledger.ts), shared by every job execution; run-ledger-from-env.ts chooses.
import type { AgentCleanedData, RunFailedData } from "@haymaker/contracts";

export interface CleanedAgent {
  /** The agent.cleaned data, as first recorded. */
  data: AgentCleanedData;
  /** When agent.cleaned was published: its CloudEvents time. */
  cleanedAt: string;
}

export interface RunFailure {
  phase: RunFailedData["phase"];
  reason: string;
  /** When run.failed was published. */
  failedAt: string;
}

export interface RunLedger {
  /**
   * Records an agent's agent.cleaned (the first record of an agent stands; repeats change nothing) and
   * returns how many of the run's agents are recorded — counted in the same transaction as the write, so
   * of two deliveries racing to record a run's last agents exactly one, or both, see the run complete,
   * never neither.
   */
  recordCleaned(agent: CleanedAgent): Promise<number>;
  /** The run's recorded agents, by agent id. */
  cleanedAgents(runId: string): Promise<CleanedAgent[]>;
  /** Records that the run failed as a whole; the first record stands. */
  recordFailure(runId: string, failure: RunFailure): Promise<void>;
  failureOf(runId: string): Promise<RunFailure | undefined>;
  close(): Promise<void>;
}

// The run ledger in Cosmos DB, for report running as Container Apps job executions or replicas. Each run
// has a partition of the state container ("report:<runId>") holding:
// - one document per cleaned agent, created once (409 = recorded already: the first record stands);
// - a tally, the list of the run's recorded agent ids, which is what counts: each record adds its agent with
//   an etag-conditional replace (412 = another record got in first: read again and retry). So the count a
//   record returns is the length of the very version it wrote, and of two records racing for a run's last
//   agents exactly one (or, with a repeat, both) sees the run complete — never neither, whatever the
//   account's consistency level, since a conditional write is judged against the latest version;
// - the run's failure, created once.
// Nothing expires: the SQLite ledger keeps its rows too, and a late repeat must still find its run.
import type { Container } from "@azure/cosmos";
import type { AgentCleanedData } from "@haymaker/contracts";
import {
  type CosmosConfig,
  cosmosStatus,
  openStateContainer,
  retryWhileRaced,
  type StateDocument,
  stateDocumentId,
  statePartition,
} from "@haymaker/projections";
import type { CleanedAgent, RunFailure, RunLedger } from "./run-ledger.ts";

const TALLY_ID = "tally";
const FAILURE_ID = "failure";

interface CleanedAgentDocument extends StateDocument {
  kind: "cleaned-agent";
  runId: string;
  agentId: string;
  cleanedAt: string;
  data: AgentCleanedData;
}

interface TallyDocument extends StateDocument {
  kind: "cleaned-tally";
  runId: string;
  /** The run's recorded agents, sorted. */
  agentIds: string[];
}

interface FailureDocument extends StateDocument {
  kind: "run-failure";
  runId: string;
  phase: RunFailure["phase"];
  reason: string;
  failedAt: string;
}

function partitionOf(runId: string): string {
  return statePartition("report", runId);
}

function agentDocumentId(agentId: string): string {
  return stateDocumentId(`agent-${agentId}`);
}

export class CosmosRunLedger implements RunLedger {
  readonly #container: Container;

  constructor(container: Container) {
    this.#container = container;
  }

  /** Opens (creating if need be) the state container of the configured account and database. */
  static async open(config: CosmosConfig): Promise<CosmosRunLedger> {
    return new CosmosRunLedger(await openStateContainer(config));
  }

  async recordCleaned(agent: CleanedAgent): Promise<number> {
    const { runId, agentId } = agent.data;
    const pk = partitionOf(runId);
    await this.#createOnce<CleanedAgentDocument>({
      id: agentDocumentId(agentId),
      pk,
      kind: "cleaned-agent",
      runId,
      agentId,
      cleanedAt: agent.cleanedAt,
      data: agent.data,
    });
    // The agent's record is written before it is counted: a crash in between leaves it uncounted, and the
    // redelivery that follows counts it.
    return retryWhileRaced(() => this.#count(runId, agentId), [409, 412]);
  }

  async cleanedAgents(runId: string): Promise<CleanedAgent[]> {
    const pk = partitionOf(runId);
    const tally = await this.#read<TallyDocument>(TALLY_ID, pk);
    if (tally === undefined) return [];
    const { resources } = await this.#container.items
      .query<CleanedAgentDocument>({
        query: "SELECT * FROM c WHERE c.pk = @pk AND c.kind = 'cleaned-agent'",
        parameters: [{ name: "@pk", value: pk }],
      })
      .fetchAll();
    const byAgent = new Map(resources.map((document) => [document.agentId, document]));
    // Only the counted agents, as SQLite's count and rows always agree.
    return tally.agentIds.map((agentId) => {
      const document = byAgent.get(agentId);
      if (document === undefined) {
        throw new Error(
          `the run ledger counts agent ${agentId} of run ${runId} but its record could not be read; try again`,
        );
      }
      return { data: document.data, cleanedAt: document.cleanedAt };
    });
  }

  async recordFailure(runId: string, failure: RunFailure): Promise<void> {
    await this.#createOnce<FailureDocument>({
      id: FAILURE_ID,
      pk: partitionOf(runId),
      kind: "run-failure",
      runId,
      phase: failure.phase,
      reason: failure.reason,
      failedAt: failure.failedAt,
    });
  }

  async failureOf(runId: string): Promise<RunFailure | undefined> {
    const document = await this.#read<FailureDocument>(FAILURE_ID, partitionOf(runId));
    return document === undefined
      ? undefined
      : { phase: document.phase, reason: document.reason, failedAt: document.failedAt };
  }

  async close(): Promise<void> {
    this.#container.database.client.dispose();
  }

  toString(): string {
    return `CosmosRunLedger(${this.#container.database.id}/${this.#container.id})`;
  }

  /** Adds the agent to the run's tally unless it is there; the tally's length after that. */
  async #count(runId: string, agentId: string): Promise<number> {
    const pk = partitionOf(runId);
    const tally = await this.#read<TallyDocument>(TALLY_ID, pk);
    if (tally === undefined) {
      // The run's first agent: a create, which a racing first agent may beat (409, retried).
      await this.#container.items.create<TallyDocument>({
        id: TALLY_ID,
        pk,
        kind: "cleaned-tally",
        runId,
        agentIds: [agentId],
      });
      return 1;
    }
    if (tally.agentIds.includes(agentId)) return tally.agentIds.length;
    const agentIds = [...tally.agentIds, agentId].sort();
    await this.#container
      .item(TALLY_ID, pk)
      .replace<TallyDocument>(
        { id: TALLY_ID, pk, kind: "cleaned-tally", runId, agentIds },
        { accessCondition: { type: "IfMatch", condition: tally._etag ?? "" } },
      );
    return agentIds.length;
  }

  async #createOnce<T extends StateDocument>(document: T): Promise<void> {
    try {
      await this.#container.items.create(document);
    } catch (error) {
      if (cosmosStatus(error) !== 409) throw error;
    }
  }

  async #read<T extends StateDocument>(id: string, pk: string): Promise<T | undefined> {
    return (await this.#container.item(id, pk).read<T>()).resource;
  }
}

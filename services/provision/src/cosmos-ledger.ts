// provision's ledger in Cosmos DB, for provision running as Container Apps job executions or replicas: one
// document per agent in its run's partition of the state container, created once (the first record stands
// for every racer, via createUnlessLive). What SQLite prunes after 14 days, Cosmos DB expires with `ttl`;
// `expiresAt`, 14 days from when it was recorded, is what reads honour before the deletion runs (and on the
// emulator, which never deletes).
import type { Container } from "@azure/cosmos";
import { type EventOf, parseEvent } from "@haymaker/contracts";
import {
  type CosmosConfig,
  createUnlessLive,
  expiryFields,
  isLive,
  openStateContainer,
  type StateDocument,
  stateDocumentId,
  statePartition,
} from "@haymaker/projections";
import { type ProvisionLedger, RETENTION_MS } from "./ledger.ts";

type Provisioned = EventOf<"identity.provisioned">;

interface ProvisionedAgentDocument extends StateDocument {
  kind: "provisioned-agent";
  runId: string;
  agentId: string;
  recordedAt: string;
  /** The identity.provisioned event as JSON (references only: it carries no secret). */
  event: unknown;
}

function address(runId: string, agentId: string): { id: string; pk: string } {
  return { id: stateDocumentId(agentId), pk: statePartition("provision", runId) };
}

export class CosmosProvisionLedger implements ProvisionLedger {
  readonly #container: Container;
  readonly #now: () => Date;

  constructor(container: Container, now: () => Date = () => new Date()) {
    this.#container = container;
    this.#now = now;
  }

  /** Opens (creating if need be) the state container of the configured account and database. */
  static async open(config: CosmosConfig, now?: () => Date): Promise<CosmosProvisionLedger> {
    return new CosmosProvisionLedger(await openStateContainer(config), now);
  }

  async provisioned(runId: string, agentId: string): Promise<Provisioned | undefined> {
    const { id, pk } = address(runId, agentId);
    const { resource } = await this.#container.item(id, pk).read<ProvisionedAgentDocument>();
    if (resource === undefined || !isLive(resource, this.#now().getTime())) return undefined;
    return parseEvent(resource.event) as Provisioned;
  }

  async record(event: Provisioned): Promise<Provisioned> {
    const now = this.#now();
    const { runId, agentId } = event.data;
    const standing = await createUnlessLive<ProvisionedAgentDocument>(
      this.#container,
      {
        ...address(runId, agentId),
        kind: "provisioned-agent",
        runId,
        agentId,
        recordedAt: now.toISOString(),
        // As JSON, as it travels: a Date or undefined field reads back as the bus would carry it.
        event: JSON.parse(JSON.stringify(event)),
        ...expiryFields(RETENTION_MS / 1000, now.getTime()),
      },
      now.getTime(),
    );
    return parseEvent(standing.event) as Provisioned;
  }

  close(): void {
    this.#container.database.client.dispose();
  }

  toString(): string {
    return `CosmosProvisionLedger(${this.#container.database.id}/${this.#container.id})`;
  }
}

// The monitor's ledger in Cosmos DB, for monitor running as Container Apps job executions (no disk outlives
// one) or as several replicas. Each fact is one small document in the state container, in a partition of
// its own (it is only ever read by its key): a run's cancellation, an agent's first stop request, a handled
// check. Each is recorded with createUnlessLive, so the first writer wins however many executions race.
// What SQLite prunes after 14 days, Cosmos DB expires with `ttl`; `expiresAt` is the same instant counted
// from the fact's own time, which reads honour before the deletion runs (and on the emulator, which never
// deletes).
import type { Container } from "@azure/cosmos";
import {
  type CosmosConfig,
  createUnlessLive,
  isLive,
  openStateContainer,
  type StateDocument,
  stateDocumentId,
  statePartition,
} from "@haymaker/projections";
import { type CancelledRun, type MonitorLedger, RETENTION_MS } from "./ledger.ts";

const OWNER = "monitor";
const RETENTION_SECONDS = RETENTION_MS / 1000;

type Kind = "cancelled-run" | "stop-request" | "handled-check";

interface CancelledRunDocument extends StateDocument {
  kind: "cancelled-run";
  runId: string;
  cancelledAt: string;
  requestedBy: string;
  reason?: string;
}

interface StopRequestDocument extends StateDocument {
  kind: "stop-request";
  runtimeRef: string;
  requestedAt: string;
}

interface HandledCheckDocument extends StateDocument {
  kind: "handled-check";
  eventId: string;
  handledAt: string;
}

/** Where the fact `key` of `kind` lives: its own partition, named by the key. */
function address(kind: Kind, key: string): { id: string; pk: string } {
  const id = stateDocumentId(key);
  return { id, pk: statePartition(OWNER, `${kind}:${id}`) };
}

/** Kept 14 days from the fact's own time; Cosmos DB deletes it 14 days after this write. */
function retainedFrom(at: string): { ttl: number; expiresAt: number } {
  return { ttl: RETENTION_SECONDS, expiresAt: Math.floor((Date.parse(at) + RETENTION_MS) / 1000) };
}

export class CosmosMonitorLedger implements MonitorLedger {
  readonly #container: Container;
  readonly #now: () => Date;

  constructor(container: Container, now: () => Date = () => new Date()) {
    this.#container = container;
    this.#now = now;
  }

  /** Opens (creating if need be) the state container of the configured account and database. */
  static async open(config: CosmosConfig, now?: () => Date): Promise<CosmosMonitorLedger> {
    return new CosmosMonitorLedger(await openStateContainer(config), now);
  }

  async cancelRun(cancel: CancelledRun): Promise<void> {
    await this.#record<CancelledRunDocument>({
      ...address("cancelled-run", cancel.runId),
      kind: "cancelled-run",
      runId: cancel.runId,
      cancelledAt: cancel.cancelledAt,
      requestedBy: cancel.requestedBy,
      ...(cancel.reason === undefined ? {} : { reason: cancel.reason }),
      ...retainedFrom(cancel.cancelledAt),
    });
  }

  async cancelledRun(runId: string): Promise<CancelledRun | undefined> {
    const document = await this.#read<CancelledRunDocument>(address("cancelled-run", runId));
    if (document === undefined) return undefined;
    return {
      runId: document.runId,
      cancelledAt: document.cancelledAt,
      requestedBy: document.requestedBy,
      ...(document.reason === undefined ? {} : { reason: document.reason }),
    };
  }

  async recordStopRequest(runtimeRef: string, at: Date): Promise<Date> {
    const requestedAt = at.toISOString();
    const standing = await this.#record<StopRequestDocument>({
      ...address("stop-request", runtimeRef),
      kind: "stop-request",
      runtimeRef,
      requestedAt,
      ...retainedFrom(requestedAt),
    });
    return new Date(standing.requestedAt);
  }

  async stopRequestedAt(runtimeRef: string): Promise<Date | undefined> {
    const document = await this.#read<StopRequestDocument>(address("stop-request", runtimeRef));
    return document === undefined ? undefined : new Date(document.requestedAt);
  }

  async checkHandled(eventId: string): Promise<boolean> {
    return (await this.#read<HandledCheckDocument>(address("handled-check", eventId))) !== undefined;
  }

  async markCheckHandled(eventId: string, at: Date): Promise<void> {
    const handledAt = at.toISOString();
    await this.#record<HandledCheckDocument>({
      ...address("handled-check", eventId),
      kind: "handled-check",
      eventId,
      handledAt,
      ...retainedFrom(handledAt),
    });
  }

  close(): void {
    this.#container.database.client.dispose();
  }

  toString(): string {
    return `CosmosMonitorLedger(${this.#container.database.id}/${this.#container.id})`;
  }

  #record<T extends StateDocument>(document: T): Promise<T> {
    return createUnlessLive(this.#container, document, this.#now().getTime());
  }

  async #read<T extends StateDocument>(at: { id: string; pk: string }): Promise<T | undefined> {
    const { resource } = await this.#container.item(at.id, at.pk).read<T>();
    return resource !== undefined && isLive(resource, this.#now().getTime()) ? resource : undefined;
  }
}

// The Cosmos DB adapter of the replay operation store: one document per operation in the state container,
// all in one partition (operations are few; listing them is one single-partition query), each write a
// replace conditional on the etag read, so two replicas never overwrite each other's change unseen.
import type { Container } from "@azure/cosmos";
import {
  type CosmosConfig,
  cosmosStatus,
  openStateContainer,
  type StateDocument,
  stateDocumentId,
  statePartition,
} from "@haymaker/projections";
import type { ReplayOperationStore, StoredOperation, VersionedOperation } from "./replay-operation-store.ts";

/** The partition every operation's document is in. */
export const REPLAY_OPERATIONS_PARTITION = statePartition("gateway", "replay-operations");
const KIND = "replay-operation";

interface OperationDocument extends StateDocument, StoredOperation {
  kind: typeof KIND;
  /** Start then id in one field: the newest-first list is one ORDER BY on one path, which needs no composite index. */
  sortKey: string;
}

export class CosmosReplayOperationStore implements ReplayOperationStore {
  readonly #container: Container;
  readonly #dispose: () => void;

  /** Over a state container someone else closes, unless `dispose` is given (then close() calls it). */
  constructor(container: Container, dispose: () => void = () => {}) {
    this.#container = container;
    this.#dispose = dispose;
  }

  /** Opens the state container of `config` (creating it when missing) with a client of its own. */
  static async open(config: CosmosConfig): Promise<CosmosReplayOperationStore> {
    const container = await openStateContainer(config);
    return new CosmosReplayOperationStore(container, () => container.database.client.dispose());
  }

  async create(stored: StoredOperation): Promise<string> {
    const { resource } = await this.#container.items.create(documentOf(stored));
    return etagOf(resource);
  }

  async get(id: string): Promise<VersionedOperation | undefined> {
    // An id Cosmos DB could not hold (too long, or with / \ ? #) names no operation.
    if (stateDocumentId(id) !== id) return undefined;
    const { resource } = await this.#container
      .item(id, REPLAY_OPERATIONS_PARTITION)
      .read<OperationDocument>();
    return resource === undefined || resource.kind !== KIND ? undefined : versioned(resource);
  }

  async list(limit: number): Promise<VersionedOperation[]> {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`list takes a whole number above 0, not ${limit}`);
    const { resources } = await this.#container.items
      .query<OperationDocument>({
        query: `SELECT TOP ${limit} * FROM c WHERE c.pk = @pk AND c.kind = @kind ORDER BY c.sortKey DESC`,
        parameters: [
          { name: "@pk", value: REPLAY_OPERATIONS_PARTITION },
          { name: "@kind", value: KIND },
        ],
      })
      .fetchAll();
    return resources.map(versioned);
  }

  async replace(stored: StoredOperation, version: string): Promise<string | undefined> {
    try {
      const { resource } = await this.#container
        .item(stored.operation.id, REPLAY_OPERATIONS_PARTITION)
        .replace(documentOf(stored), { accessCondition: { type: "IfMatch", condition: version } });
      return etagOf(resource);
    } catch (error) {
      const status = cosmosStatus(error);
      if (status === 412 || status === 404) return undefined;
      throw error;
    }
  }

  close(): void {
    this.#dispose();
  }
}

function documentOf(stored: StoredOperation): OperationDocument {
  const { id, startedAt } = stored.operation;
  return {
    id,
    pk: REPLAY_OPERATIONS_PARTITION,
    kind: KIND,
    sortKey: `${startedAt}|${id}`,
    operation: stored.operation,
    ...(stored.lease === undefined ? {} : { lease: stored.lease }),
    ...(stored.abortRequested === true ? { abortRequested: true } : {}),
  };
}

function versioned(document: OperationDocument): VersionedOperation {
  const stored: StoredOperation = {
    operation: document.operation,
    ...(document.lease === undefined ? {} : { lease: document.lease }),
    ...(document.abortRequested === true ? { abortRequested: true } : {}),
  };
  return { stored, version: etagOf(document) };
}

function etagOf(document: { _etag?: string } | undefined): string {
  if (document?._etag === undefined)
    throw new Error("Cosmos DB answered a write without the document's etag");
  return document._etag;
}

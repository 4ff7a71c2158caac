// The port the replay operations are kept through: records and their versions, written only over the
// version last read, so several gateway replicas can share them. Adapters: SQLite (replays.sqlite under the
// data directory, the local default) and Cosmos DB (the state container), chosen by openReplayOperationStore.
import type { ReplayOperation } from "./replay-operation.ts";

/** Which replica runs an operation, and until when that holds unless the replica renews it. */
export interface OperationLease {
  owner: string;
  /** Epoch milliseconds. */
  until: number;
}

/** An operation as stored: the record operators see, who runs it, and whether someone asked it to stop. */
export interface StoredOperation {
  operation: ReplayOperation;
  /** Set while it runs; a running operation whose lease has passed lost its replica. */
  lease?: OperationLease;
  /** Set by a replica asked to abort an operation another replica runs; the runner stops when it sees it. */
  abortRequested?: boolean;
}

export interface VersionedOperation {
  stored: StoredOperation;
  /** Opaque; changes with every write (an etag in Cosmos DB, a counter in SQLite). */
  version: string;
}

export interface ReplayOperationStore {
  /** Records a new operation and answers its version; throws when its id is taken. */
  create(stored: StoredOperation): Promise<string>;
  get(id: string): Promise<VersionedOperation | undefined>;
  /** The latest `limit` operations, newest first (by start, then id). */
  list(limit: number): Promise<VersionedOperation[]>;
  /**
   * Writes `stored` over the operation if it is still at `version`, and answers the new version; undefined
   * when another write came first (or the operation is gone): read it again and decide anew.
   */
  replace(stored: StoredOperation, version: string): Promise<string | undefined>;
  close(): void;
}

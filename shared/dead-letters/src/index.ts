// @haymaker/dead-letters: every subscription's dead-letter queue — list, group by failure, show, replay,
// purge and edit-and-retry — through the Service Bus SDK, the same on Azure and on the embedded broker; and
// the replay operations that work through them in the background with progress and abort, kept in SQLite
// locally or in Cosmos DB's state container, so that every gateway replica sees and can abort them.

export {
  CosmosReplayOperationStore,
  REPLAY_OPERATIONS_PARTITION,
} from "./cosmos-replay-operation-store.ts";
export { type DeadLetter, type DeadLetterSummary, summaryOf } from "./dead-letter.ts";
export { type DeadLetterAddress, deadLetterId, parseDeadLetterId } from "./dead-letter-id.ts";
export {
  DeadLetterQueues,
  type Entity,
  type Progress,
  replayCopy,
  TOPOLOGY_ENTITIES,
  type WorkOptions,
} from "./dead-letter-queues.ts";
export { failureGroupOf } from "./failure-group.ts";
export { openReplayOperationStore, replayOperationStoreFromEnv } from "./open-replay-operation-store.ts";
export type { OperationKind, OperationStatus, ReplayOperation, StartRequest } from "./replay-operation.ts";
export type {
  OperationLease,
  ReplayOperationStore,
  StoredOperation,
  VersionedOperation,
} from "./replay-operation-store.ts";
export {
  type AbortOutcome,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_LEASE_MS,
  ReplayOperations,
  type ReplayOperationsOptions,
} from "./replay-operations.ts";
export {
  type DeadLetterFilter,
  DeadLetterFilterSchema,
  type DeadLetterSelection,
  DeadLetterSelectionSchema,
  matches,
  normalise,
} from "./selection.ts";
export { REPLAYS_FILE, SqliteReplayOperationStore } from "./sqlite-replay-operation-store.ts";

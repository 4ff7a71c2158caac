// @haymaker/dead-letters: every subscription's dead-letter queue — list, group by failure, show, replay,
// purge and edit-and-retry — through the Service Bus SDK, the same on Azure and on the embedded broker; and
// the replay operations that work through them in the background with progress and abort.

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
export {
  type OperationKind,
  type OperationStatus,
  REPLAYS_FILE,
  type ReplayOperation,
  ReplayOperations,
  type StartRequest,
} from "./replay-operations.ts";
export {
  type DeadLetterFilter,
  DeadLetterFilterSchema,
  type DeadLetterSelection,
  DeadLetterSelectionSchema,
  matches,
  normalise,
} from "./selection.ts";

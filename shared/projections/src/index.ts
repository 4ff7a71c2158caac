// @haymaker/projections: the projections port (executions, agents, resources, identities, logs, metrics)
// that the projector writes through and the gateway reads through, its local SQLite adapter and its Cosmos DB
// adapter, and the schemas of its records. The contract test suite every adapter must pass is in
// "@haymaker/projections/testing".

export { decodeContinuation, encodeContinuation } from "./continuation.ts";
export { type CosmosSignIn, cosmosClientFor } from "./cosmos/cosmos-client.ts";
export {
  type CosmosConfig,
  cosmosConfigFromEnv,
  DEFAULT_COSMOS_DATABASE,
} from "./cosmos/cosmos-config.ts";
export {
  CosmosProjectionStore,
  type CosmosProjectionStoreOptions,
  DEFAULT_LOG_TTL_DAYS,
  DEFAULT_PROCESSED_EVENT_TTL_DAYS,
} from "./cosmos/cosmos-projection-store.ts";
export { openStateContainer, STATE_CONTAINER, stateContainerDefinition } from "./cosmos/state-container.ts";
export {
  cosmosStatus,
  DEFAULT_RACE_RETRY,
  epochSeconds,
  expiryFields,
  isLive,
  NOT_EXPIRED,
  type RaceRetry,
  retryWhileRaced,
  type StateDocument,
  stateDocumentId,
  statePartition,
} from "./cosmos/state-documents.ts";
export { createUnlessLive } from "./cosmos/state-writes.ts";
export { ProjectionQueryError } from "./errors.ts";
export { computeMetrics, type Metrics, type OutcomeCounts, type ScenarioMetrics } from "./metrics.ts";
export { openProjectionStore } from "./open-projection-store.ts";
export { resourceRecordId, resourceTypeOf } from "./projecting/resource-ids.ts";
export type { ApplyResult, ProjectionStore } from "./projection-store.ts";
export {
  type AgentQuery,
  AgentQuerySchema,
  DEFAULT_LOG_PAGE_SIZE,
  DEFAULT_PAGE_SIZE,
  type ExecutionQuery,
  ExecutionQuerySchema,
  type IdentityQuery,
  IdentityQuerySchema,
  type LogPage,
  type LogQuery,
  LogQuerySchema,
  MAX_LOG_LINES,
  MAX_PAGE_SIZE,
  type MetricsQuery,
  MetricsQuerySchema,
  type Page,
  ResourceLookupSchema,
  type ResourceQuery,
  ResourceQuerySchema,
  type RunEventPage,
  type RunEventQuery,
  RunEventQuerySchema,
} from "./queries.ts";
export {
  AgentPageSchema,
  AgentProgressSchema,
  AgentRecordSchema,
  CleanupRecordSchema,
  CloudEventRecordSchema,
  ExecutionPageSchema,
  ExecutionRecordSchema,
  ExecutionWithAgentsSchema,
  IdentityPageSchema,
  IdentityRecordSchema,
  LogPageSchema,
  LogRecordSchema,
  MetricsSchema,
  pageSchemaOf,
  ResourceDeletionSchema,
  ResourcePageSchema,
  ResourceRecordSchema,
  RunEventPageSchema,
  RunEventRecordSchema,
  ScenarioMetricsSchema,
} from "./record-schemas.ts";
export {
  AGENT_PIPELINE_STAGES,
  type AgentPipelineStage,
  type AgentProgress,
  type AgentRecord,
  CLEANUP_STATUSES,
  type CleanupRecord,
  type CleanupStatus,
  EXECUTION_STATUSES,
  type ExecutionRecord,
  type ExecutionStatus,
  type ExecutionWithAgents,
  type IdentityRecord,
  type LogRecord,
  RESOURCE_STATUSES,
  type ResourceDeletion,
  type ResourceRecord,
  type ResourceStatus,
  type RunEventRecord,
  type RunSummary,
} from "./records.ts";
export { PROJECTIONS_FILE, SqliteProjectionStore } from "./sqlite/sqlite-projection-store.ts";

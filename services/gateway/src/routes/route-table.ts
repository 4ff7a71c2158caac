// Every route's spec, in the order the API docs list them. app.ts registers the same routes; a test holds
// the two lists equal, so no route goes undocumented.
import { openApiSpec } from "../openapi/openapi-route.ts";
import type { RouteSpec } from "../openapi/route-spec.ts";
import { agentLogsSpec, executionAgentLogsSpec } from "./agent-logs.ts";
import { cancelExecutionSpec } from "./cancel-execution.ts";
import { cleanupSpec } from "./cleanup.ts";
import { deadLetterGroupsSpec } from "./dead-letter-groups.ts";
import { editDeadLetterSpec } from "./edit-dead-letter.ts";
import { executeSpec } from "./execute.ts";
import { executionEventsSpec } from "./execution-events.ts";
import { getAgentSpec, getExecutionAgentSpec } from "./get-agent.ts";
import { getCleanupSpec } from "./get-cleanup.ts";
import { getDeadLetterSpec } from "./get-dead-letter.ts";
import { getExecutionSpec } from "./get-execution.ts";
import { getReportSpec } from "./get-report.ts";
import { getResourceSpec } from "./get-resource.ts";
import { getScenarioSpec } from "./get-scenario.ts";
import { healthSpec } from "./health.ts";
import { createKeySpec, listKeysSpec, revokeKeySpec } from "./keys.ts";
import { listAgentsSpec } from "./list-agents.ts";
import { listDeadLettersSpec } from "./list-dead-letters.ts";
import { listExecutionsSpec } from "./list-executions.ts";
import { listIdentitiesSpec } from "./list-identities.ts";
import { listResourcesSpec } from "./list-resources.ts";
import { metricsSpec } from "./metrics.ts";
import { purgeDeadLettersSpec, replayDeadLettersSpec } from "./replay-dead-letters.ts";
import { abortReplaySpec, getReplaySpec, listReplaysSpec } from "./replays.ts";
import { listScenariosSpec } from "./scenarios.ts";
import { statusSpec } from "./status.ts";

export const ROUTE_SPECS: readonly RouteSpec[] = [
  executeSpec,
  listExecutionsSpec,
  getExecutionSpec,
  cancelExecutionSpec,
  getReportSpec,
  executionEventsSpec,
  listAgentsSpec,
  getAgentSpec,
  getExecutionAgentSpec,
  agentLogsSpec,
  executionAgentLogsSpec,
  listResourcesSpec,
  getResourceSpec,
  listIdentitiesSpec,
  metricsSpec,
  listScenariosSpec,
  getScenarioSpec,
  cleanupSpec,
  getCleanupSpec,
  statusSpec,
  healthSpec,
  createKeySpec,
  listKeysSpec,
  revokeKeySpec,
  listDeadLettersSpec,
  deadLetterGroupsSpec,
  getDeadLetterSpec,
  replayDeadLettersSpec,
  purgeDeadLettersSpec,
  editDeadLetterSpec,
  listReplaysSpec,
  getReplaySpec,
  abortReplaySpec,
  openApiSpec,
];

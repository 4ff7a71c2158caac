// @haymaker/runtime: where agents run. Azure: Container Apps job executions. Locally: supervised child
// processes. agentRuntimeFromEnv chooses between them.
export {
  AgentNotFoundError,
  type AgentRuntime,
  type AgentSpec,
  type AgentState,
  type AgentStatus,
} from "./agent-runtime.ts";
export { agentRuntimeFromEnv } from "./agent-runtime-from-env.ts";
export { AGENT_JOB_ID_FORMAT } from "./container-apps/agent-job-id.ts";
export {
  AGENT_NAME_VARIABLE,
  ContainerAppsJobRuntime,
  type ContainerAppsJobRuntimeOptions,
} from "./container-apps/container-apps-job-runtime.ts";
export { agentGraceFromEnv, processRuntimeFromEnv, REFERENCE_AGENT } from "./process/from-env.ts";
export { ProcessRuntime, type ProcessRuntimeOptions } from "./process/process-runtime.ts";

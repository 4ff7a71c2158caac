// @haymaker/runtime: where agents run. Azure: Container Apps jobs (a later adapter). Locally: supervised
// child processes.
export {
  AgentNotFoundError,
  type AgentRuntime,
  type AgentSpec,
  type AgentState,
  type AgentStatus,
} from "./agent-runtime.ts";
export { agentGraceFromEnv, processRuntimeFromEnv, REFERENCE_AGENT } from "./process/from-env.ts";
export { ProcessRuntime, type ProcessRuntimeOptions } from "./process/process-runtime.ts";

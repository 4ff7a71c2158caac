// The agent runtime port: where an agent's container (Azure: a Container Apps job execution) or process
// (locally: a supervised child process) runs. Deploy starts agents, monitor reads their status and stops
// them at their deadline; both only hold the runtime reference, so either may run in another process.

export interface AgentSpec {
  /** Unique per agent and stable across retries (derived from run and agent ids): starting twice is a no-op. */
  name: string;
  /** The agent's environment: its scenario, identity, resource group and deadline. May hold its secret. */
  env: Record<string, string>;
}

export type AgentState = "running" | "succeeded" | "failed" | "stopped";

export interface AgentStatus {
  state: AgentState;
  exitCode?: number;
  startedAt?: string;
  finishedAt?: string;
  /** Why the runtime thinks so, when it is not the agent's own exit (lost supervisor, stop requested). */
  detail?: string;
}

export interface AgentRuntime {
  /** Starts the agent, or finds the one already started under the same name. Returns its reference. */
  start(spec: AgentSpec): Promise<string>;
  /**
   * The reference of the agent started under that name, if one was (whatever its state now), so a repeat
   * can be answered without the agent's secret, which cleanup may have deleted since.
   */
  find(name: string): Promise<string | undefined>;
  status(ref: string): Promise<AgentStatus>;
  /** Proves agents can be started (the agent program exists, state can be written); throws saying why not. */
  check(): Promise<void>;
  /** Asks the agent to stop (it gets a grace period to clean up); a no-op once it has ended. */
  stop(ref: string): Promise<void>;
}

export class AgentNotFoundError extends Error {
  override name = "AgentNotFoundError";
}

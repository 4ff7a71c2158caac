// How an ended agent's run is judged: its outcome and a reason a person can act on, from what the runtime
// says, whether monitor stopped it, and whether its run was cancelled or its deadline had passed.
import type { AgentOutcome } from "@haymaker/contracts";
import type { AgentStatus } from "@haymaker/runtime";
import type { CancelledRun } from "./ledger.ts";

// The agent contract's exit codes (docs/agent-contract.md).
const EXIT_REASONS: Readonly<Record<number, string>> = {
  1: "a scenario step failed",
  2: "the agent's configuration was bad",
  3: "access denied: the agent's identity was refused (e.g. outside its resource group)",
  4: "cleanup left resources behind",
  143: "stopped by a signal",
};

/** Why an agent ended, from its exit code, or what the runtime knows when there is none. */
export function exitReason(status: AgentStatus): string {
  if (status.exitCode === undefined) return status.detail ?? "it ended without an exit code";
  const known = EXIT_REASONS[status.exitCode];
  return known ? `${known} (exit code ${status.exitCode})` : `exited with code ${status.exitCode}`;
}

export interface EndFacts {
  status: AgentStatus;
  /** Monitor asked the runtime to stop the agent (at its deadline, or because its run was cancelled). */
  stoppedByMonitor: boolean;
  cancelled: CancelledRun | undefined;
  /** It ended at or after its deadline. */
  deadlinePassed: boolean;
}

export interface Judgement {
  outcome: AgentOutcome;
  reason?: string;
}

export function cancellationReason(cancelled: CancelledRun): string {
  return `the run was cancelled by ${cancelled.requestedBy}${cancelled.reason ? `: ${cancelled.reason}` : ""}`;
}

export function judgeEnded({ status, stoppedByMonitor, cancelled, deadlinePassed }: EndFacts): Judgement {
  // Exit 0 means the agent finished deploy, operate and cleanup (a stopped agent exits 143): a stop that
  // reached it while it was already on its way out does not make it late.
  if (status.state === "succeeded" || status.exitCode === 0) return { outcome: "completed" };
  const stopped = status.state === "stopped" || stoppedByMonitor;
  if (stopped && cancelled)
    return { outcome: "cancelled", reason: cancellationReason(cancelled) + after(status) };
  if (stopped && deadlinePassed) {
    return {
      outcome: "timed-out",
      reason: `still running at its deadline, so it was stopped${after(status)}`,
    };
  }
  if (status.state === "stopped") {
    return { outcome: "failed", reason: `stopped before its deadline, not by HayMaker${after(status)}` };
  }
  return { outcome: "failed", reason: exitReason(status) };
}

/** What a stopped agent's own ending adds: nothing for a clean stop, else what went wrong as it stopped. */
function after(status: AgentStatus): string {
  if (status.exitCode === 0 || status.exitCode === 143) return "";
  if (status.exitCode === undefined && status.detail === undefined) return "";
  if (status.exitCode === undefined && /SIGKILL/.test(status.detail ?? "")) {
    return "; it did not end within its grace period and was killed";
  }
  return `; then ${exitReason(status)}`;
}

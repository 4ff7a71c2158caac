// The agent's exit code is its report to whoever ran it: HayMaker's monitor maps it to the agent's outcome
// and reason (docs/agent-contract.md has the table). Several things can go wrong in one run; the code names
// the one that matters most to what happens next, in this order: access denied (the identity or its scope is
// wrong, and nothing else will work), something left behind (force-cleanup has work), a failed step, a stop.

export const EXIT_CODES = {
  /** Deploy, operate and cleanup all done. Tolerated operate failures are counted in the summary log. */
  completed: 0,
  /** A required step failed (deploy, cleanup, or the agent itself); cleanup was attempted. */
  stepFailed: 1,
  /** Bad configuration or input; nothing was touched. */
  badInput: 2,
  /** An ARM call answered 401 or 403 on a required step; cleanup was attempted. */
  accessDenied: 3,
  /** Cleanup could not confirm every resource it created or was told to delete is gone. */
  leftovers: 4,
  /** Stopped by SIGTERM or SIGINT; cleanup ran and left nothing. 128 + SIGTERM, whichever signal came. */
  stopped: 143,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
export type Outcome = keyof typeof EXIT_CODES;

export interface RunFacts {
  accessDenied: boolean;
  /** Resources cleanup could not confirm deleted. */
  leftovers: number;
  stepFailed: boolean;
  stoppedBySignal: boolean;
}

export function outcomeOf(facts: RunFacts): Outcome {
  if (facts.accessDenied) return "accessDenied";
  if (facts.leftovers > 0) return "leftovers";
  if (facts.stepFailed) return "stepFailed";
  if (facts.stoppedBySignal) return "stopped";
  return "completed";
}

export function exitCodeFor(facts: RunFacts): ExitCode {
  return EXIT_CODES[outcomeOf(facts)];
}

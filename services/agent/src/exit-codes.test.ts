import { describe, expect, it } from "vitest";
import { EXIT_CODES, exitCodeFor, outcomeOf, type RunFacts } from "./exit-codes.ts";

const clean: RunFacts = { accessDenied: false, leftovers: 0, stepFailed: false, stoppedBySignal: false };

describe("the agent's exit code", () => {
  it("is 0 only when nothing went wrong and nobody stopped it", () => {
    expect(exitCodeFor(clean)).toBe(0);
    expect(outcomeOf(clean)).toBe("completed");
  });

  it("names each problem on its own", () => {
    expect(exitCodeFor({ ...clean, stepFailed: true })).toBe(1);
    expect(exitCodeFor({ ...clean, accessDenied: true })).toBe(3);
    expect(exitCodeFor({ ...clean, leftovers: 2 })).toBe(4);
    expect(exitCodeFor({ ...clean, stoppedBySignal: true })).toBe(143);
  });

  it("reports the most consequential problem when several happened", () => {
    const everything: RunFacts = {
      accessDenied: true,
      leftovers: 1,
      stepFailed: true,
      stoppedBySignal: true,
    };
    expect(exitCodeFor(everything)).toBe(EXIT_CODES.accessDenied);
    expect(exitCodeFor({ ...everything, accessDenied: false })).toBe(EXIT_CODES.leftovers);
    expect(exitCodeFor({ ...clean, stepFailed: true, stoppedBySignal: true })).toBe(EXIT_CODES.stepFailed);
  });

  it("keeps 2 for bad input, which never reaches a run", () => {
    expect(EXIT_CODES.badInput).toBe(2);
    expect(Object.values(EXIT_CODES)).toEqual([0, 1, 2, 3, 4, 143]);
  });
});

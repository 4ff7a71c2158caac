import { CloudControlError } from "@haymaker/cloud-control";
import { describe, expect, it } from "vitest";
import { type RetryPolicy, withRetries } from "./retry.ts";

function scripted(...outcomes: Array<Error | string>) {
  let calls = 0;
  const call = async () => {
    const outcome = outcomes[calls++];
    if (outcome instanceof Error) throw outcome;
    return outcome ?? "done";
  };
  return { call, calls: () => calls };
}

function policy(overrides: Partial<RetryPolicy> = {}) {
  const waits: number[] = [];
  return {
    waits,
    policy: {
      attempts: 5,
      baseDelayMs: 1000,
      maxDelayMs: 8000,
      budgetMs: 12_000,
      sleep: async (ms: number) => {
        waits.push(ms);
      },
      random: () => 0.5,
      ...overrides,
    } satisfies RetryPolicy,
  };
}

const status = (code: number, retryAfterMs?: number) =>
  new CloudControlError(`HTTP ${code}`, { status: code, ...(retryAfterMs ? { retryAfterMs } : {}) });

describe("withRetries", () => {
  it("retries conflicts, throttles, server errors and network failures, backing off exponentially", async () => {
    const { waits, policy: p } = policy();
    const work = scripted(status(409), status(429), status(500), new CloudControlError("socket hang up"));
    expect(await withRetries(work.call, p)).toBe("done");
    expect(work.calls()).toBe(5);
    // Equal jitter at random() = 0.5: three quarters of 1, 2, 4, 8 s.
    expect(waits).toEqual([750, 1500, 3000, 6000]);
  });

  it("keeps every wait between half and all of the exponential delay", async () => {
    const low = policy({ random: () => 0 });
    const high = policy({ random: () => 0.999999 });
    await withRetries(scripted(status(503), status(503)).call, low.policy);
    await withRetries(scripted(status(503), status(503)).call, high.policy);
    expect(low.waits).toEqual([500, 1000]);
    expect(high.waits.map(Math.round)).toEqual([1000, 2000]);
  });

  it("waits at least as long as the server's Retry-After", async () => {
    const { waits, policy: p } = policy();
    await withRetries(scripted(status(429, 5000)).call, p);
    expect(waits).toEqual([5000]);
  });

  it("gives up with the last error when the next wait would pass the budget", async () => {
    const { waits, policy: p } = policy({ budgetMs: 3000 });
    const work = scripted(status(503), status(503), status(503), status(503));
    await expect(withRetries(work.call, p)).rejects.toMatchObject({ status: 503 });
    expect(waits).toEqual([750, 1500]);
    expect(work.calls()).toBe(3);
  });

  it("gives up after the last attempt", async () => {
    const { waits, policy: p } = policy({ attempts: 3 });
    const work = scripted(status(500), status(502), status(504), status(500));
    await expect(withRetries(work.call, p)).rejects.toMatchObject({ status: 504 });
    expect(work.calls()).toBe(3);
    expect(waits).toHaveLength(2);
  });

  it("does not retry answers: 404, 403, or an error that is not a cloud failure", async () => {
    for (const error of [status(404), status(403), new TypeError("a bug")]) {
      const { waits, policy: p } = policy();
      const work = scripted(error);
      await expect(withRetries(work.call, p)).rejects.toBe(error);
      expect(work.calls()).toBe(1);
      expect(waits).toEqual([]);
    }
  });
});

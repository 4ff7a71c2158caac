// What every adapter of the rate-limit port must do, as one suite run against each (in memory, Cosmos DB on
// the emulator): budgets per caller and class, Retry-After that is honest, renewal once the window ends,
// and — where the adapter is shared — several replicas drawing on one budget.
import { describe, expect, it } from "vitest";
import type { RateDecision, RateLimits } from "./rate-limit.ts";

export interface SharedRateLimits {
  /** The budgets as one more gateway replica counts them (the in-memory adapter: the same process). */
  replica(): RateLimits;
}

/** 10 s into a minute, so that windows kept per caller and windows on clock minutes end at different times. */
const START = Date.UTC(2026, 11, 8, 6, 0, 10);

export function describeRateLimitContract(
  name: string,
  open: (clock: () => number) => Promise<SharedRateLimits>,
): void {
  async function setUp() {
    const clock = { now: START };
    const shared = await open(() => clock.now);
    return { clock, shared };
  }
  const takeAll = (limit: ReturnType<RateLimits>, caller: string, times: number) =>
    Promise.all(Array.from({ length: times }, () => limit.take(caller)));

  describe(`RateLimit contract: ${name}`, () => {
    it("allows a caller its budget, counting down, then refuses with the seconds until it is whole again", async () => {
      const { shared } = await setUp();
      const execute = shared.replica()("execute", 3);
      expect(execute.perMinute).toBe(3);
      const decisions: RateDecision[] = [];
      for (let i = 0; i < 5; i++) decisions.push(await execute.take("api-key:abc"));
      expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
        [true, 2],
        [true, 1],
        [true, 0],
        [false, 0],
        [false, 0],
      ]);
      for (const d of decisions) {
        expect(d.resetSeconds).toBeGreaterThanOrEqual(1);
        expect(d.resetSeconds).toBeLessThanOrEqual(60);
      }
    });

    it("renews the budget when the Retry-After it gave has passed, and not a second before", async () => {
      const { clock, shared } = await setUp();
      const execute = shared.replica()("execute", 2);
      await takeAll(execute, "api-key:renew", 2);
      const refused = await execute.take("api-key:renew");
      expect(refused.allowed).toBe(false);
      clock.now += (refused.resetSeconds - 1) * 1000;
      expect(await execute.take("api-key:renew")).toMatchObject({ allowed: false, resetSeconds: 1 });
      clock.now += 1000;
      expect(await execute.take("api-key:renew")).toMatchObject({ allowed: true, remaining: 1 });
      // Windows long over count for nothing, whatever an adapter still stores of them.
      clock.now += 10 * 60_000;
      expect(await execute.take("api-key:renew")).toMatchObject({ allowed: true, remaining: 1 });
    });

    it("counts callers apart by kind and id, and each class apart", async () => {
      const { shared } = await setUp();
      const limits = shared.replica();
      const execute = limits("execute", 1);
      const write = limits("write", 1);
      expect((await execute.take("api-key:same")).allowed).toBe(true);
      expect((await execute.take("api-key:same")).allowed).toBe(false);
      expect((await execute.take("entra:same")).allowed).toBe(true);
      expect((await write.take("api-key:same")).allowed).toBe(true);
      expect((await write.take("api-key:same")).allowed).toBe(false);
    });

    it("two replicas counting one caller at once allow the budget once between them, never more", async () => {
      const { shared } = await setUp();
      const one = shared.replica()("execute", 5);
      const two = shared.replica()("execute", 5);
      const decisions = (
        await Promise.all([takeAll(one, "entra:raced", 12), takeAll(two, "entra:raced", 12)])
      ).flat();
      const allowed = decisions.filter((d) => d.allowed);
      expect(allowed).toHaveLength(5);
      expect(allowed.map((d) => d.remaining).sort()).toEqual([0, 1, 2, 3, 4]);
      expect(await one.take("entra:raced")).toMatchObject({ allowed: false, remaining: 0 });
      expect(await two.take("entra:raced")).toMatchObject({ allowed: false, remaining: 0 });
    });
  });
}

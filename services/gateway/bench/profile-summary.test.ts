import { describe, expect, it } from "vitest";
import { type Area, type CpuProfile, summariseProfile } from "./profile-summary.ts";
import { aimsFor, hadErrors, type TargetFigures } from "./results.ts";

const frame = (functionName: string, url = "") => ({ functionName, url, lineNumber: 9 });

// root → verify → hash; root → json; root → other; root → (idle). Every sample is 1 ms apart.
const PROFILE: CpuProfile = {
  startTime: 0,
  endTime: 6000,
  nodes: [
    { id: 1, callFrame: frame("(root)"), children: [2, 3, 5, 6] },
    { id: 2, callFrame: frame("(idle)") },
    { id: 3, callFrame: frame("verify", "file:///app/src/auth/api-key-store.ts"), children: [4] },
    { id: 4, callFrame: frame("hash", "file:///app/src/auth/api-key-store.ts") },
    { id: 5, callFrame: frame("json", "file:///app/node_modules/hono/dist/context.js") },
    { id: 6, callFrame: frame("other", "node:_http_server") },
  ],
  samples: [3, 4, 4, 2, 5, 6],
  timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000],
};

const AREAS: Area[] = [
  // Listed first, but the hash samples are inside "hashing", which is nearer the leaf.
  // Listed first, but the hash samples are inside "hashing", which is nearer the leaf.
  { name: "key check", frame: (f) => f.functionName === "verify" },
  { name: "hashing", frame: (f) => f.functionName === "hash" },
  { name: "json", frame: (f) => f.functionName === "json" },
];

describe("summariseProfile", () => {
  it("gives each busy sample to the innermost area on its stack, and leaves idle time out", () => {
    const summary = summariseProfile(PROFILE, AREAS);
    expect(summary.busyMs).toBe(5);
    expect(summary.idleMs).toBe(1);
    expect(summary.areas.map(({ area, percent }) => [area, percent])).toEqual([
      ["key check", 20],
      ["hashing", 40],
      ["json", 20],
    ]);
    expect(summary.areas[0]?.mostly).toEqual(["verify (api-key-store.ts:10) 20%"]);
    expect(summary.areas[1]?.mostly).toEqual(["hash (api-key-store.ts:10) 40%"]);
    expect(summary.elsewherePercent).toBe(20);
    expect(summary.topSelf[0]).toEqual({ function: "hash (api-key-store.ts:10)", ms: 2, percent: 40 });
  });
});

const figures = (overrides: Partial<TargetFigures>): TargetFigures => ({
  url: "/api/executions/run-1",
  responseBytes: 13_000,
  requestsPerSecond: 6000,
  latencyMs: { mean: 8, p50: 7, p99: 15, max: 40 },
  throughputBytesPerSecond: 78_000_000,
  requests: 60_000,
  non2xx: 0,
  statusCodes: { "200": 60_000 },
  errors: 0,
  timeouts: 0,
  serverCpuPercent: 100,
  serverCpuMicrosecondsPerRequest: 160,
  ...overrides,
});

describe("the gateway's aims", () => {
  it("are met at 5,000 req/s, p99 under 20 ms and at least 0.4 of the bare route", () => {
    expect(aimsFor(figures({}), 0.4).map((a) => a.met)).toEqual([true, true, true]);
    const missed = aimsFor(
      figures({ requestsPerSecond: 4999, latencyMs: { mean: 9, p50: 8, p99: 20, max: 50 } }),
      0.39,
    );
    expect(missed.map((a) => [a.measured, a.met])).toEqual([
      [4999, false],
      [20, false],
      [0.39, false],
    ]);
  });

  it("count a run as failed when any request errs, times out or is not 2xx", () => {
    expect(hadErrors(figures({}))).toBe(false);
    expect(hadErrors(figures({ non2xx: 1 }))).toBe(true);
    expect(hadErrors(figures({ errors: 1 }))).toBe(true);
    expect(hadErrors(figures({ timeouts: 1 }))).toBe(true);
  });
});

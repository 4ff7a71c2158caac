// 10,000 malformed and hostile requests against the gateway over real HTTP (testing/hostile-requests.ts:
// bad JSON, huge, chunked and deep bodies, wrong types, path, query and header tricks, other methods,
// broken framing; every route, with no key, bogus keys and each role's key). The gateway runs in a process
// of its own (testing/fuzz-gateway-process.ts, with --expose-gc) so its memory is measured alone: the heap
// left after a full collection, and the resident set, once after a warm-up and again after the 10,000.
// No answer may be 5xx, every 4xx must carry the error envelope, every request must be answered, the
// gateway must log no error, every stream must have given its slot back, and its memory must come back to
// where it was.
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type HayMakerBus, startHayMakerBus } from "@haymaker/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTE_SPECS } from "./routes/route-table.ts";
import type { FuzzMessage } from "./testing/fuzz-gateway-process.ts";
import { type HostileRequest, hostileRequests, type KnownIds } from "./testing/hostile-requests.ts";
import { rawExchange } from "./testing/raw-http.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed);
const REQUESTS = 10_000;
const WARM_UP = 1_000;
/** Enough to keep the gateway's one thread busy; more would only queue. */
const CONCURRENCY = 8;
/** Heap growth allowed between the two measurements: noise, not a leak (a leak of 10,000 requests is more). */
const HEAP_SLACK_BYTES = 8 * 1024 * 1024;
/** The resident set also holds what the allocator keeps for reuse, so it gets more room than the heap. */
const RSS_SLACK_BYTES = 48 * 1024 * 1024;

type Memory = Extract<FuzzMessage, { type: "memory" }>;

let bus: HayMakerBus;
let child: ChildProcess;
let port = 0;
let ids: KnownIds;

function nextMessage<T extends FuzzMessage["type"]>(type: T): Promise<Extract<FuzzMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: FuzzMessage) => {
      if (message.type !== type) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message as Extract<FuzzMessage, { type: T }>);
    };
    const onExit = (code: number | null) => reject(new Error(`the gateway process exited (${code})`));
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

async function measure(): Promise<Memory> {
  const answer = nextMessage("memory");
  child.send("measure");
  return answer;
}

/** Once every connection has closed (streams included), the memory after a full collection. */
async function settledMemory(): Promise<Memory> {
  for (let attempt = 0; ; attempt++) {
    const memory = await measure();
    if (memory.connections === 0 || attempt >= 50) return memory;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  bus = await startHayMakerBus();
  child = fork(fileURLToPath(new URL("./testing/fuzz-gateway-process.ts", import.meta.url)), [], {
    execArgv: ["--expose-gc"],
    env: { ...process.env, FUZZ_BUS_CONNECTION_STRING: bus.broker.connectionString },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await nextMessage("ready");
  port = ready.port;
  ids = ready.ids;
}, 60_000);

afterAll(async () => {
  if (child?.connected) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.send("stop");
    await exited;
  }
  await bus?.stop();
});

interface Tally {
  sent: number;
  byStatus: Map<number, number>;
  byKind: Map<string, number>;
  /** Milliseconds spent waiting for each route's answers, to see where the time goes. */
  msByRoute: Map<string, number>;
  failures: string[];
}

const describeRequest = (request: HostileRequest) =>
  `${request.kind} ${request.operationId}: ${request.method.slice(0, 20)} ${request.target.slice(0, 120)}`;

function isEnvelope(body: Buffer): boolean {
  try {
    const { error } = JSON.parse(body.toString("utf8")) as { error?: Record<string, unknown> };
    return (
      typeof error?.code === "string" &&
      typeof error.message === "string" &&
      Array.isArray(error.details) &&
      typeof error.traceId === "string" &&
      /^[0-9a-f]{32}$/.test(error.traceId)
    );
  } catch {
    return false;
  }
}

/** Sends `count` requests, CONCURRENCY at a time, and checks each answer. */
async function attack(generator: ReturnType<typeof hostileRequests>, count: number): Promise<Tally> {
  const tally: Tally = {
    sent: 0,
    byStatus: new Map(),
    byKind: new Map(),
    msByRoute: new Map(),
    failures: [],
  };
  const worker = async () => {
    while (tally.sent < count) {
      tally.sent++;
      const request = generator.next();
      const sentAt = performance.now();
      const answer = await rawExchange(port, request);
      const ms = performance.now() - sentAt;
      tally.msByRoute.set(request.operationId, (tally.msByRoute.get(request.operationId) ?? 0) + ms);
      tally.byStatus.set(answer.status, (tally.byStatus.get(answer.status) ?? 0) + 1);
      tally.byKind.set(request.kind, (tally.byKind.get(request.kind) ?? 0) + 1);
      const problem =
        answer.outcome !== "answered"
          ? `no answer (${answer.outcome})`
          : answer.status >= 500
            ? `${answer.status}: ${answer.body.toString("utf8").slice(0, 300)}`
            : answer.status >= 400 && request.method !== "HEAD" && !isEnvelope(answer.body)
              ? `${answer.status} without the envelope: ${answer.body.toString("utf8").slice(0, 200)}`
              : undefined;
      if (problem !== undefined) tally.failures.push(`${describeRequest(request)} → ${problem}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return tally;
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

describe("the gateway under 10,000 hostile requests", () => {
  it("answers none with 5xx, every 4xx with the envelope, and its memory returns to baseline", async () => {
    const started = performance.now();
    const generator = hostileRequests(SEED, ROUTE_SPECS, ids);
    // The warm-up fills what is filled once (compiled code, caches, the OpenAPI document, pools).
    const warmUp = await attack(generator, WARM_UP);
    const baseline = await settledMemory();
    const tally = await attack(generator, REQUESTS);
    const after = await settledMemory();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);

    const statuses = [...tally.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
    const kinds = [...tally.byKind].sort().map(([k, n]) => `${k} ${n}`);
    const slowest = [...tally.msByRoute]
      .sort(([, a], [, b]) => b - a)
      .slice(0, 5)
      .map(([route, ms]) => `${route} ${(ms / 1000).toFixed(1)} s`);
    console.log(
      [
        `fuzz (seed ${SEED}): ${tally.sent} requests after ${warmUp.sent} to warm up, over ${ROUTE_SPECS.length} routes, in ${seconds} s`,
        `  answers: ${statuses.join(", ")}`,
        `  kinds: ${kinds.join(", ")}`,
        `  most time waiting on: ${slowest.join(", ")}`,
        `  failures: ${tally.failures.length + warmUp.failures.length}; errors the gateway logged: ${after.errors.length}`,
        `  after GC, baseline → after: heap used ${megabytes(baseline.heapUsed)} → ${megabytes(after.heapUsed)}, ` +
          `heap total ${megabytes(baseline.heapTotal)} → ${megabytes(after.heapTotal)}, ` +
          `external ${megabytes(baseline.external)} → ${megabytes(after.external)}, ` +
          `RSS ${megabytes(baseline.rss)} → ${megabytes(after.rss)}; open connections: ${after.connections}`,
        ...after.errors.slice(0, 3).map((error) => `  logged: ${error.slice(0, 400)}`),
      ].join("\n"),
    );

    expect(tally.sent).toBeGreaterThanOrEqual(REQUESTS);
    expect([...warmUp.failures, ...tally.failures].slice(0, 20)).toEqual([]);
    expect(after.errors.slice(0, 5)).toEqual([]);
    expect(after.connections).toBe(0);
    // Every stream gave its slot back: each caller may still open one.
    for (const key of Object.values(ids.keys)) {
      const stream = await rawExchange(port, {
        method: "GET",
        target: `/api/executions/${ids.runId}/events`,
        headers: [
          ["Host", "127.0.0.1"],
          ["Authorization", `Bearer ${key}`],
          ["Connection", "close"],
        ],
      });
      expect(stream.status).toBe(200);
    }
    expect(after.heapUsed).toBeLessThanOrEqual(baseline.heapUsed + HEAP_SLACK_BYTES);
    expect(after.rss).toBeLessThanOrEqual(baseline.rss + RSS_SLACK_BYTES);
  }, 180_000);
});

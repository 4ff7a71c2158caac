// npm run bench:bus [-- --messages N]
// Through the official SDK, sends N messages to a topic with two subscriptions and receives and completes
// every copy, against the broker running as its own process, durable and in memory. Reports throughput and
// send→receive latency; it measures, it does not judge.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ServiceBusClient, type ServiceBusMessage, type ServiceBusSender } from "@azure/service-bus";
import { configJson } from "../test/harness.ts";
import { spawnBroker } from "../test/process.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "20000" },
    batch: { type: "string", default: "100" },
    // Handlers each subscription runs at once (the SDK's maxConcurrentCalls): its credit on the link.
    concurrency: { type: "string", default: "500" },
    // Messages per second in the paced phase, which measures latency without a backlog.
    rate: { type: "string", default: "1000" },
    out: { type: "string", default: "bench/results/bus.json" },
  },
});
const total = Number(values.messages);
const batchSize = Number(values.batch);
const rate = Number(values.rate);
const SUBSCRIPTIONS = ["first", "second"];

interface Latency {
  p50: number;
  p99: number;
  max: number;
}

interface Result {
  mode: string;
  messages: number;
  deliveries: number;
  seconds: number;
  messagesPerSecond: number;
  deliveriesPerSecond: number;
  /** Send→receive while flooding: mostly time spent queued behind earlier messages. */
  floodLatencyMs: Latency;
  /** Send→receive at a steady rate the broker keeps up with: the broker's own latency. */
  paced: { rate: number; messages: number; latencyMs: Latency };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function summarize(latencies: number[]): Latency {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (n: number) => Number(n.toFixed(1));
  return {
    p50: round(percentile(sorted, 50)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? 0),
  };
}

/** Both subscriptions' receivers, counting copies and recording send→receive latency. */
function startReceivers(client: ServiceBusClient) {
  let latencies: number[] = [];
  let received = 0;
  let target = Number.POSITIVE_INFINITY;
  let reached: () => void = () => {};
  const subscriptions = SUBSCRIPTIONS.map((name) =>
    client.createReceiver("bench", name, { maxAutoLockRenewalDurationInMs: 0 }).subscribe(
      {
        processMessage: async (message) => {
          latencies.push(performance.now() - (message.applicationProperties?.sentAt as number));
          if (++received >= target) reached();
        },
        processError: async ({ error }) => {
          process.stderr.write(`receive error: ${error.message}\n`);
        },
      },
      { maxConcurrentCalls: Number(values.concurrency), autoCompleteMessages: true },
    ),
  );
  return {
    /** Resets the counters and resolves once `copies` more copies have arrived. */
    expect(copies: number): Promise<number[]> {
      latencies = [];
      received = 0;
      target = copies;
      return new Promise((resolve) => {
        reached = () => resolve(latencies);
      });
    },
    close: () => Promise.all(subscriptions.map((s) => s.close())),
  };
}

const message = (n: number): ServiceBusMessage => ({
  body: { n, payload: "x".repeat(200) },
  applicationProperties: { sentAt: performance.now() },
});

async function flood(
  sender: ServiceBusSender,
  receivers: ReturnType<typeof startReceivers>,
  count: number,
): Promise<number[]> {
  const all = receivers.expect(count * SUBSCRIPTIONS.length);
  const inFlight = new Set<Promise<void>>();
  for (let sent = 0; sent < count; sent += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, count - sent) }, (_, i) => message(sent + i));
    const sending = sender.sendMessages(batch).then(() => {
      inFlight.delete(sending);
    });
    inFlight.add(sending);
    if (inFlight.size >= 8) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return all;
}

async function run(mode: "durable" | "in-memory", config: string, directory: string): Promise<Result> {
  const storage = mode === "durable" ? ["--data", join(directory, `data-${Date.now()}`)] : ["--in-memory"];
  const nodeOptions = process.env.BENCH_BROKER_NODE_OPTIONS?.split(" ").filter(Boolean);
  const broker = await spawnBroker(["--port", "0", "--config", config, ...storage], nodeOptions);
  let stopping = false;
  broker.exited.then((code) => {
    if (!stopping) {
      process.stderr.write(`the broker exited (${code}) during the run:\n${broker.output()}\n`);
      process.exit(1);
    }
  });
  const client = new ServiceBusClient(broker.connectionString);
  const receivers = startReceivers(client);
  const sender = client.createSender("bench");
  // Warm up both processes (JIT, connections, buffers) with a short unmeasured flood.
  await flood(sender, receivers, Math.min(total, 5000));

  // Paced: one message every 1000/rate ms for three seconds.
  const pacedCount = rate * 3;
  const paced = receivers.expect(pacedCount * SUBSCRIPTIONS.length);
  const pacedStart = performance.now();
  for (let i = 0; i < pacedCount; i++) {
    const due = pacedStart + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    void sender.sendMessages(message(i));
  }
  const pacedLatencies = await paced;

  // Flood: as fast as the SDK sends, a few batches in flight.
  const started = performance.now();
  const floodLatencies = await flood(sender, receivers, total);
  const seconds = (performance.now() - started) / 1000;

  await receivers.close();
  await client.close();
  stopping = true;
  broker.child.kill("SIGTERM");
  await broker.exited;
  return {
    mode,
    messages: total,
    deliveries: total * SUBSCRIPTIONS.length,
    seconds: Number(seconds.toFixed(3)),
    messagesPerSecond: Math.round(total / seconds),
    deliveriesPerSecond: Math.round((total * SUBSCRIPTIONS.length) / seconds),
    floodLatencyMs: summarize(floodLatencies),
    paced: { rate, messages: pacedCount, latencyMs: summarize(pacedLatencies) },
  };
}

const directory = mkdtempSync(join(tmpdir(), "haymaker-bench-"));
try {
  const config = join(directory, "Config.json");
  writeFileSync(
    config,
    configJson({
      topics: [
        {
          Name: "bench",
          Subscriptions: SUBSCRIPTIONS.map((Name) => ({ Name, Properties: { LockDuration: "PT1M" } })),
        },
      ],
    }),
  );
  const results: Result[] = [];
  for (const mode of ["in-memory", "durable"] as const) {
    const result = await run(mode, config, directory);
    results.push(result);
    process.stdout.write(
      `${mode.padEnd(9)}  ${result.messages} messages → ${SUBSCRIPTIONS.length} subscriptions in ${result.seconds}s: ` +
        `${result.messagesPerSecond} msg/s end to end (${result.deliveriesPerSecond} deliveries/s); ` +
        `latency at ${rate} msg/s: p50 ${result.paced.latencyMs.p50} ms, p99 ${result.paced.latencyMs.p99} ms ` +
        `(while flooding: p50 ${result.floodLatencyMs.p50} ms, p99 ${result.floodLatencyMs.p99} ms)\n`,
    );
  }
  mkdirSync(join(values.out, ".."), { recursive: true });
  writeFileSync(
    values.out,
    `${JSON.stringify({ benchmark: "bus", date: new Date().toISOString(), node: process.version, cpus: cpus().length, batchSize, concurrency: Number(values.concurrency), results }, null, 2)}\n`,
  );
  process.stdout.write(`written to ${values.out}\n`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}

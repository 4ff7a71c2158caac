// npm run bench:bus [-- --messages N]
// Through the official SDK, sends N messages to a topic with two subscriptions and receives and completes
// every copy, against the broker running as its own process, durable and in memory. Reports throughput and
// send→receive latency; it measures, it does not judge.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ServiceBusClient, type ServiceBusMessage } from "@azure/service-bus";
import { connectionStringFor } from "../src/broker.ts";
import { configJson } from "../test/harness.ts";
import { spawnBroker } from "../test/process.ts";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "20000" },
    batch: { type: "string", default: "100" },
    out: { type: "string", default: "bench/results/bus.json" },
  },
});
const total = Number(values.messages);
const batchSize = Number(values.batch);
const SUBSCRIPTIONS = ["first", "second"];

interface Result {
  mode: string;
  messages: number;
  deliveries: number;
  seconds: number;
  messagesPerSecond: number;
  deliveriesPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function run(mode: "durable" | "in-memory", config: string, directory: string): Promise<Result> {
  const storage = mode === "durable" ? ["--data", join(directory, `data-${Date.now()}`)] : ["--in-memory"];
  const broker = await spawnBroker(["--port", "0", "--config", config, ...storage]);
  let stopping = false;
  broker.exited.then((code) => {
    if (!stopping) {
      process.stderr.write(`the broker exited (${code}) during the run:\n${broker.output()}\n`);
      process.exit(1);
    }
  });
  const client = new ServiceBusClient(connectionStringFor(broker.port));
  const latencies: number[] = [];
  const received = new Map(SUBSCRIPTIONS.map((name) => [name, 0]));
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const subscriptions = SUBSCRIPTIONS.map((name) =>
    client.createReceiver("bench", name, { maxAutoLockRenewalDurationInMs: 0 }).subscribe(
      {
        processMessage: async (message) => {
          latencies.push(performance.now() - (message.applicationProperties?.sentAt as number));
          received.set(name, (received.get(name) ?? 0) + 1);
          if ([...received.values()].every((count) => count >= total)) done();
        },
        processError: async ({ error }) => {
          process.stderr.write(`receive error: ${error.message}\n`);
        },
      },
      { maxConcurrentCalls: 200, autoCompleteMessages: true },
    ),
  );
  const sender = client.createSender("bench");
  await sender.sendMessages({ body: "warm-up", applicationProperties: { sentAt: performance.now() } });
  await new Promise((resolve) => setTimeout(resolve, 500));
  latencies.length = 0;
  for (const name of SUBSCRIPTIONS) received.set(name, 0);

  const started = performance.now();
  const progress = setInterval(
    () => process.stderr.write(`progress ${JSON.stringify([...received])}\n`),
    2000,
  );
  const inFlight = new Set<Promise<void>>();
  for (let sent = 0; sent < total; sent += batchSize) {
    const messages: ServiceBusMessage[] = [];
    for (let i = sent; i < Math.min(total, sent + batchSize); i++) {
      messages.push({
        body: { n: i, payload: "x".repeat(200) },
        applicationProperties: { sentAt: performance.now() },
      });
    }
    const sending = sender.sendMessages(messages).then(() => {
      inFlight.delete(sending);
    });
    inFlight.add(sending);
    if (inFlight.size >= 8) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  await finished;
  clearInterval(progress);
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(subscriptions.map((s) => s.close()));
  await client.close();
  stopping = true;
  broker.child.kill("SIGTERM");
  await broker.exited;
  const sorted = latencies.sort((a, b) => a - b);
  return {
    mode,
    messages: total,
    deliveries: total * SUBSCRIPTIONS.length,
    seconds: Number(seconds.toFixed(3)),
    messagesPerSecond: Math.round(total / seconds),
    deliveriesPerSecond: Math.round((total * SUBSCRIPTIONS.length) / seconds),
    latencyMs: {
      p50: Number(percentile(sorted, 50).toFixed(1)),
      p99: Number(percentile(sorted, 99).toFixed(1)),
      max: Number((sorted.at(-1) ?? 0).toFixed(1)),
    },
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
        `${result.messagesPerSecond} msg/s sent end to end (${result.deliveriesPerSecond} deliveries/s), ` +
        `latency p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms\n`,
    );
  }
  mkdirSync(join(values.out, ".."), { recursive: true });
  writeFileSync(
    values.out,
    `${JSON.stringify({ benchmark: "bus", date: new Date().toISOString(), node: process.version, cpus: cpus().length, batchSize, results }, null, 2)}\n`,
  );
  process.stdout.write(`written to ${values.out}\n`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}

// The gateway benchmark's load generator, run as a process of its own so it does not take CPU from the
// server it measures: autocannon against one URL, a warm-up first (not counted), then the measured run.
// Started by gateway.ts with an IPC channel; tells it when measuring starts and sends the result.
import { createRequire } from "node:module";

export interface LoadSettings {
  url: string;
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

/** The part of autocannon's result the benchmark reads (autocannon ships no types). */
export interface AutocannonResult {
  requests: { mean: number; total: number; sent: number };
  latency: { mean: number; p50: number; p99: number; max: number };
  throughput: { mean: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  resets: number;
  statusCodeStats: Record<string, { count: number }>;
}

export type LoadMessage = { phase: "measuring" } | { phase: "done"; result: AutocannonResult };

type Autocannon = (options: {
  url: string;
  headers: Record<string, string>;
  connections: number;
  duration: number;
}) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

function send(message: LoadMessage): Promise<void> {
  return new Promise((resolve, reject) =>
    process.send?.(message, (error: Error | null) => (error ? reject(error) : resolve())),
  );
}

async function main(): Promise<void> {
  if (process.send === undefined) {
    throw new Error("load.ts is started by gateway.ts (npm run bench:gateway), not on its own");
  }
  const settings = JSON.parse(process.argv[2] ?? "") as LoadSettings;
  const { url, headers, connections } = settings;
  if (settings.warmupSeconds > 0) {
    await autocannon({ url, headers, connections, duration: settings.warmupSeconds });
  }
  await send({ phase: "measuring" });
  const result = await autocannon({ url, headers, connections, duration: settings.durationSeconds });
  await send({ phase: "done", result });
  process.disconnect();
}

await main();

// npm run bench:gateway [-- --duration 10 --connections 50 --warmup 2 --runs 500 --agents 5 --profile]
// Read throughput of the gateway: GET /api/executions/{id} with a reader key, over a file-backed
// projections store holding a realistic history, against a bare Hono route answering the same JSON. Both
// servers run in this process, one at a time under load; the load generator (autocannon) is a second
// process. Prints a table and writes bench/results/gateway.json; the aims are stated, never enforced.
// Each flag can also be set in the environment: BENCH_DURATION, BENCH_CONNECTIONS, BENCH_WARMUP,
// BENCH_RUNS, BENCH_AGENTS, BENCH_PROFILE=1.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { MAX_AGENTS_PER_RUN } from "@haymaker/contracts";
import { machineFacts } from "@haymaker/testing";
import { SqliteApiKeyStore } from "../src/auth/sqlite-api-key-store.ts";
import { type PopulatedHistory, populate } from "./populate.ts";
import { type Area, type CpuProfile, type ProfileSummary, summariseProfile } from "./profile-summary.ts";
import { aimsFor, figuresOf, hadErrors, type TargetFigures, table } from "./results.ts";
import { type MeasuredWindow, runLoad } from "./run-load.ts";
import { bareApp, gatewayApp, type Listening, listen } from "./servers.ts";

const RESULTS = fileURLToPath(new URL("../../../bench/results/gateway.json", import.meta.url));
const BARE_PATH = "/execution";

function settingsFromArguments() {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: process.env.BENCH_DURATION ?? "10" },
      connections: { type: "string", default: process.env.BENCH_CONNECTIONS ?? "50" },
      warmup: { type: "string", default: process.env.BENCH_WARMUP ?? "2" },
      runs: { type: "string", default: process.env.BENCH_RUNS ?? "500" },
      agents: { type: "string", default: process.env.BENCH_AGENTS ?? "5" },
      profile: { type: "boolean", default: process.env.BENCH_PROFILE === "1" },
    },
  });
  const whole = (flag: keyof typeof values, min: number, max: number): number => {
    const text = String(values[flag]);
    const n = Number(text);
    if (!/^\d+$/.test(text) || n < min || n > max) {
      process.stderr.write(
        `bench:gateway: --${flag} must be a whole number from ${min} to ${max}, got '${text}'.\n`,
      );
      process.exit(2);
    }
    return n;
  };
  return {
    durationSeconds: whole("duration", 1, 600),
    connections: whole("connections", 1, 1000),
    warmupSeconds: whole("warmup", 0, 60),
    runs: whole("runs", 1, 100_000),
    agentsPerRun: whole("agents", 1, MAX_AGENTS_PER_RUN),
    profiled: values.profile === true,
  };
}

/**
 * The parts of a gateway request the profile summary reports, each known by its frames. A sample goes to
 * the innermost area on its stack, so the wrapping ones (Hono's middleware chain, the HTTP server) only
 * hold what the areas inside them do not.
 */
const AREAS: Area[] = [
  {
    name: "API key: SHA-256 of the secret",
    frame: (f) => f.functionName === "hash" && f.url.endsWith("api-key-store.ts"),
  },
  {
    name: "API key: lookup (ApiKeyStore.verify)",
    frame: (f) => f.functionName === "verify" && f.url.endsWith("api-key-store.ts"),
  },
  {
    name: "projections read (getExecution)",
    frame: (f) => f.functionName === "getExecution" && f.url.endsWith("sqlite-projection-store.ts"),
  },
  {
    // After each await the file system's work resumes at the top of a stack of its own, so its frames
    // are matched by where they come from: only the report store reads files on this route.
    name: "report file (open, read, close, parse)",
    frame: (f) => f.functionName === "reportContent" || f.url === "node:internal/fs/promises",
  },
  {
    name: "JSON answer (c.json)",
    frame: (f) => f.functionName === "json" && f.url.includes("/hono/dist/context"),
  },
  {
    name: "ETag (hashing each answer's body)",
    frame: (f) => f.url.includes("/hono/dist/middleware/etag/"),
  },
  { name: "trace context", frame: (f) => f.url.endsWith("/trace-context.ts") },
  {
    name: "Hono routing, middleware chain, handler code",
    frame: (f) => f.url.includes("/hono/dist/") || f.url.includes("/services/gateway/src/"),
  },
  {
    name: "writing answers to sockets",
    frame: (f) => f.url === "node:internal/stream_base_commons",
  },
  {
    name: "HTTP server (node:http, @hono/node-server)",
    frame: (f) => f.url.startsWith("node:_http") || f.url.includes("/@hono/node-server/"),
  },
  { name: "garbage collection", frame: (f) => f.functionName === "(garbage collector)" },
];

/** Counts this process's CPU over the measured window, and with --profile records a CPU profile of it. */
function serverWindow(profiled: boolean, profileFile: string) {
  let cpuAtStart = process.cpuUsage();
  let cpuSeconds = 0;
  let summary: ProfileSummary | undefined;
  const session = profiled ? new Session() : undefined;
  const window: MeasuredWindow = {
    async started() {
      if (session !== undefined) {
        session.connect();
        await session.post("Profiler.enable");
        await session.post("Profiler.setSamplingInterval", { interval: 250 });
        await session.post("Profiler.start");
      }
      cpuAtStart = process.cpuUsage();
    },
    async ended() {
      const used = process.cpuUsage(cpuAtStart);
      cpuSeconds = (used.user + used.system) / 1e6;
      if (session !== undefined) {
        const { profile } = await session.post("Profiler.stop");
        session.disconnect();
        writeFileSync(profileFile, JSON.stringify(profile));
        summary = summariseProfile(profile as unknown as CpuProfile, AREAS);
      }
    },
  };
  return { window, cpuSeconds: () => cpuSeconds, summary: () => summary };
}

async function fetchText(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, text: await response.text() };
}

async function main(): Promise<void> {
  const settings = settingsFromArguments();
  // Other work on the machine skews the figures; this says how busy it was when the run began.
  const machine = machineFacts();
  const dataDirectory = mkdtempSync(join(tmpdir(), "haymaker-bench-gateway-"));
  const profileDirectory = settings.profiled ? mkdtempSync(join(tmpdir(), "haymaker-gateway-profile-")) : "";
  const servers: Listening[] = [];
  const keys = SqliteApiKeyStore.open(dataDirectory);
  let history: PopulatedHistory | undefined;
  try {
    process.stdout.write(`populating ${settings.runs} runs × ${settings.agentsPerRun} agents…\n`);
    const started = performance.now();
    history = await populate({ dataDirectory, runs: settings.runs, agentsPerRun: settings.agentsPerRun });
    process.stdout.write(
      `populated: ${history.events} events in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    const reader = (await keys.create("reader", "bench-reader")).key;
    const authorization = { authorization: `Bearer ${reader}` };
    const gateway = gatewayApp({ projections: history.projections, reports: history.reports, keys });
    const gatewayServer = await listen(gateway.app);
    servers.push(gatewayServer);

    // A run from the middle of the history, completed, with its report on disk.
    const runId = history.runIds[Math.floor(history.runIds.length / 2)] as string;
    const gatewayUrl = `${gatewayServer.url}/api/executions/${runId}`;
    const anonymous = await fetchText(gatewayUrl);
    const answer = await fetchText(gatewayUrl, authorization);
    const execution = JSON.parse(answer.text) as { agents?: unknown[]; report?: unknown };
    if (
      anonymous.status !== 401 ||
      answer.status !== 200 ||
      execution.agents?.length !== settings.agentsPerRun ||
      execution.report === undefined
    ) {
      throw new Error(
        `the gateway did not answer run ${runId} as a populated run (without a key ${anonymous.status}, ` +
          `with the reader key ${answer.status}: ${answer.text.slice(0, 300)}); the benchmark would measure the wrong thing`,
      );
    }
    const bareServer = await listen(bareApp(BARE_PATH, execution));
    servers.push(bareServer);
    const bareUrl = `${bareServer.url}${BARE_PATH}`;
    const bareAnswer = await fetchText(bareUrl);
    if (bareAnswer.status !== 200) throw new Error(`the bare route answered ${bareAnswer.status}`);

    const load = {
      connections: settings.connections,
      durationSeconds: settings.durationSeconds,
      warmupSeconds: settings.warmupSeconds,
    };
    const targets: Record<string, TargetFigures> = {};
    const profileFile = join(profileDirectory, "gateway.cpuprofile");
    const measured = [
      {
        name: "gateway",
        url: gatewayUrl,
        headers: authorization,
        bytes: answer.text,
        profiled: settings.profiled,
      },
      { name: "bare", url: bareUrl, headers: {}, bytes: bareAnswer.text, profiled: false },
    ];
    let profile: ProfileSummary | undefined;
    for (const target of measured) {
      process.stdout.write(
        `${target.name}: ${settings.warmupSeconds} s warm-up, then ${settings.durationSeconds} s with ${settings.connections} connections…\n`,
      );
      const server = serverWindow(target.profiled, profileFile);
      const result = await runLoad({ ...load, url: target.url, headers: target.headers }, server.window);
      targets[target.name] = figuresOf(result, {
        url: target.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, ""),
        responseBytes: Buffer.byteLength(target.bytes),
        serverCpuSeconds: server.cpuSeconds(),
      });
      profile ??= server.summary();
    }

    const gatewayFigures = targets.gateway as TargetFigures;
    const bareFigures = targets.bare as TargetFigures;
    const ratio = Number(
      (gatewayFigures.requestsPerSecond / Math.max(bareFigures.requestsPerSecond, 1)).toFixed(2),
    );
    const aims = aimsFor(gatewayFigures, ratio);
    const withErrors = Object.entries(targets)
      .filter(([, figures]) => hadErrors(figures))
      .map(([name]) => name);
    const results = {
      benchmark: "gateway",
      at: new Date().toISOString(),
      machine,
      settings: {
        ...load,
        pipelining: 1,
        history: { runs: settings.runs, agentsPerRun: settings.agentsPerRun, events: history.events },
        gatewayRoute: "GET /api/executions/{id} with Authorization: Bearer <reader key>",
        bareRoute: `GET ${BARE_PATH}: a Hono route answering the same execution JSON`,
        servers: "both in the benchmark process, loaded one at a time",
        loadGenerator: "autocannon in a second process",
        profiled: settings.profiled,
      },
      targets,
      ratioGatewayToBare: ratio,
      aims,
      // Figures from a run with failed requests say nothing about the aims.
      allAimsMet: withErrors.length === 0 && aims.every((a) => a.met),
      errors:
        withErrors.length === 0
          ? "none"
          : `requests failed or were not 2xx against: ${withErrors.join(", ")}`,
      gatewayFailuresLogged: gateway.failures(),
      ...(profile === undefined ? {} : { profile }),
    };
    mkdirSync(join(RESULTS, ".."), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);

    process.stdout.write(`${table(targets, ratio, aims)}\n`);
    if (withErrors.length > 0) {
      process.stdout.write(`RUN HAD ERRORS: ${results.errors}; these figures do not count.\n`);
    }
    if (settings.profiled) {
      process.stdout.write(
        "(profiled: the profiler slows the gateway; its figures are not the gateway's best)\n",
      );
      for (const area of profile?.areas ?? []) {
        process.stdout.write(
          `  ${area.area.padEnd(44)} ${String(area.percent).padStart(5)}%  ${area.mostly.join(", ")}\n`,
        );
      }
      process.stdout.write(`  ${"elsewhere".padEnd(44)} ${String(profile?.elsewherePercent).padStart(5)}%\n`);
      process.stdout.write(`CPU profile of the gateway under load: ${profileFile}\n`);
    }
    process.stdout.write("written to bench/results/gateway.json\n");
  } finally {
    for (const server of servers) await server.close();
    await history?.projections.close();
    keys.close();
    rmSync(dataDirectory, { recursive: true, force: true });
  }
}

await main();

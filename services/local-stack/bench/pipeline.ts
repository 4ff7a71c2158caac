// npm run bench:pipeline — 200 agents with a zero-length operate phase through the whole pipeline on
// `make run`'s embedded defaults: the real services, the real reference agent as 200 processes, the
// sandbox cloud and the embedded broker, all on this machine. Prints and writes bench/results/pipeline.json:
// end-to-end seconds, per-hop p50/p99 latency (from the times of the events each hop produced, as the
// projections record them) and the peak resident memory of the whole process tree.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const AGENTS = Number(process.env.BENCH_AGENTS ?? 200);
const PER_RUN = 50; // the most agents one run may have (contracts: MAX_AGENTS_PER_RUN)
const BIN = fileURLToPath(new URL("../bin/haymaker-local.js", import.meta.url));
const CATALOGUE = fileURLToPath(new URL("../../../scenarios", import.meta.url));
const RESULTS = fileURLToPath(new URL("../../../bench/results/pipeline.json", import.meta.url));

/** A catalogue of PER_RUN distinct scenarios: the real ones, repeated under new ids. */
function benchCatalogue(directory: string): string[] {
  const sources = readdirSync(CATALOGUE)
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  const ids: string[] = [];
  for (let i = 0; i < PER_RUN; i++) {
    const source = sources[i % sources.length] as string;
    const id = `${source.replace(/\.yaml$/, "").slice(0, 50)}-b${i}`;
    const text = readFileSync(join(CATALOGUE, source), "utf8").replace(/^id: .*$/m, `id: ${id}`);
    writeFileSync(join(directory, `${id}.yaml`), text);
    ids.push(id);
  }
  return ids;
}

/** What a process in the tree is: the stack itself (broker + sandbox), a service, an agent or its supervisor. */
function roleOf(cmdline: string): string {
  const service = /haymaker-([a-z-]+)\.js/.exec(cmdline)?.[1];
  if (service === "local") return "broker + sandbox cloud (local stack)";
  if (service !== undefined) return service;
  if (cmdline.includes("supervisor.ts")) return "agent supervisors";
  return "other";
}

/** CPU seconds each process has used, kept after it exits (its last sample). */
const cpuByPid = new Map<number, { role: string; seconds: number }>();
const TICKS = 100; // USER_HZ on Linux

/** Resident memory of a process and all its descendants, from /proc; records their CPU time as it goes. */
function treeRss(root: number): { total: number; largest: number } {
  const children = new Map<number, number[]>();
  const stats = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      stats.set(Number(entry), stat);
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  let total = 0;
  let largest = 0;
  const visit = (pid: number, parentRole: string | undefined) => {
    let role = parentRole ?? "";
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
      total += kb * 1024;
      largest = Math.max(largest, kb * 1024);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      // An agent is whatever a supervisor runs.
      role = parentRole === "agent supervisors" ? "agents" : roleOf(cmdline);
      const fields = (stats.get(pid) ?? "").slice((stats.get(pid) ?? "").lastIndexOf(")") + 2).split(" ");
      const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS;
      if (Number.isFinite(seconds)) cpuByPid.set(pid, { role, seconds });
    } catch {
      // gone
    }
    for (const child of children.get(pid) ?? []) visit(child, role);
  };
  visit(root, undefined);
  return { total, largest };
}

function cpuSecondsByRole(): Record<string, number> {
  const byRole: Record<string, number> = {};
  for (const { role, seconds } of cpuByPid.values())
    byRole[role] = Number(((byRole[role] ?? 0) + seconds).toFixed(1));
  return Object.fromEntries(Object.entries(byRole).sort((a, b) => b[1] - a[1]));
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

interface AgentView {
  agentId: string;
  outcome?: string;
  timeline?: Record<string, string>;
}
interface ExecutionView {
  execution: {
    status: string;
    requestedAt?: string;
    validatedAt?: string;
    completedAt?: string;
    summary?: { leftovers: number };
  };
  agents: AgentView[];
  report?: unknown;
}

async function main(): Promise<void> {
  const dataDirectory = mkdtempSync(join(tmpdir(), "haymaker-bench-"));
  const scenariosDirectory = join(dataDirectory, "scenarios");
  mkdirSync(scenariosDirectory);
  const scenarios = benchCatalogue(scenariosDirectory);
  const stack = spawn(process.execPath, [BIN], {
    env: {
      ...process.env,
      HAYMAKER_DATA_DIR: dataDirectory,
      HAYMAKER_SCENARIOS_DIR: scenariosDirectory,
      HAYMAKER_PORT: "0",
      HAYMAKER_BROKER_PORT: "0",
      HAYMAKER_SANDBOX_PORT: "0",
      HAYMAKER_SCHEDULE: "off",
      HAYMAKER_LOG_LEVEL: "warn",
      HAYMAKER_MONITOR_INTERVAL: "PT1S",
      HAYMAKER_AGENT_GRACE: "PT30S",
      // Zero-length operate: agents keep their whole run for cleanup, so they deploy and tear down at once.
      HAYMAKER_CLEANUP_RESERVE: "P1D",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // However the benchmark ends, the stack it started ends with it.
  process.once("exit", () => stack.kill("SIGTERM"));
  let output = "";
  stack.stdout.on("data", (chunk) => (output += chunk));
  stack.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise((resolve) => stack.once("exit", resolve));
  while (!output.includes("Stop with Ctrl+C.")) {
    if (stack.exitCode !== null) throw new Error(`the stack exited:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const local = JSON.parse(readFileSync(join(dataDirectory, "local.json"), "utf8")) as {
    gateway: { url: string; apiKeyFile: string };
  };
  const gateway = local.gateway.url;
  const authorization = `Bearer ${readFileSync(local.gateway.apiKeyFile, "utf8").trim()}`;

  let peak = { total: 0, largest: 0 };
  const sampler = setInterval(() => {
    const now = treeRss(stack.pid as number);
    peak = { total: Math.max(peak.total, now.total), largest: Math.max(peak.largest, now.largest) };
  }, 250);

  const started = Date.now();
  const runIds: string[] = [];
  for (let remaining = AGENTS; remaining > 0; remaining -= PER_RUN) {
    const response = await fetch(`${gateway}/api/execute`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization },
      body: JSON.stringify({
        scenarios: scenarios.slice(0, Math.min(PER_RUN, remaining)),
        duration: "PT30M",
      }),
    });
    if (response.status !== 202)
      throw new Error(`execute answered ${response.status}: ${await response.text()}`);
    runIds.push(((await response.json()) as { executionId: string }).executionId);
  }
  process.stdout.write(`requested ${runIds.length} runs, ${AGENTS} agents\n`);

  const views = new Map<string, ExecutionView>();
  const deadline = Date.now() + 15 * 60_000;
  while (views.size < runIds.length) {
    if (Date.now() > deadline)
      throw new Error(`not done after 15 minutes; ${views.size} of ${runIds.length} runs reported`);
    for (const runId of runIds.filter((id) => !views.has(id))) {
      const response = await fetch(`${gateway}/api/executions/${runId}`, { headers: { authorization } });
      if (!response.ok) continue;
      const view = (await response.json()) as ExecutionView;
      if (view.execution.status === "rejected" || view.execution.status === "failed") {
        throw new Error(`run ${runId} ${view.execution.status}: ${JSON.stringify(view.execution)}`);
      }
      if (view.report !== undefined && view.execution.status === "completed") views.set(runId, view);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const endToEndSeconds = (Date.now() - started) / 1000;
  clearInterval(sampler);

  const hops: Record<string, number[]> = {};
  const hop = (name: string, from: string | undefined, to: string | undefined) => {
    if (from === undefined || to === undefined) return;
    hops[name] = [...(hops[name] ?? []), Date.parse(to) - Date.parse(from)];
  };
  const outcomes: Record<string, number> = {};
  let leftovers = 0;
  for (const view of views.values()) {
    const { execution, agents } = view;
    leftovers += execution.summary?.leftovers ?? 0;
    hop("validate (run.requested → run.validated)", execution.requestedAt, execution.validatedAt);
    const lastCleaned = agents
      .map((a) => a.timeline?.cleaned ?? "")
      .sort()
      .at(-1);
    hop("report (last agent.cleaned → run.completed)", lastCleaned, execution.completedAt);
    for (const agent of agents) {
      const t = agent.timeline ?? {};
      outcomes[agent.outcome ?? "unknown"] = (outcomes[agent.outcome ?? "unknown"] ?? 0) + 1;
      hop("select (run.validated → agent.selected)", execution.validatedAt, t.selected);
      hop("provision (agent.selected → identity.provisioned)", t.selected, t.provisioned);
      hop("deploy (identity.provisioned → agent.deployed)", t.provisioned, t.deployed);
      hop("agent run + monitor (agent.deployed → agent.finished)", t.deployed, t.finished);
      hop("verify-cleanup (agent.finished → cleanup.required)", t.finished, t["cleanup-required"]);
      hop("force-cleanup (cleanup.required → agent.cleaned)", t["cleanup-required"], t.cleaned);
      hop("whole agent (agent.selected → agent.cleaned)", t.selected, t.cleaned);
    }
  }
  const results = {
    benchmark: "pipeline",
    at: new Date().toISOString(),
    machine: { cpus: (await import("node:os")).cpus().length, node: process.version },
    agents: AGENTS,
    runs: runIds.length,
    operate:
      "zero-length (HAYMAKER_CLEANUP_RESERVE covers the whole run, so agents deploy and clean up at once)",
    endToEndSeconds: Number(endToEndSeconds.toFixed(1)),
    agentsPerSecond: Number((AGENTS / endToEndSeconds).toFixed(2)),
    outcomes,
    leftovers,
    hopsMs: Object.fromEntries(
      Object.entries(hops).map(([name, values]) => [
        name,
        { count: values.length, p50: percentile(values, 50), p99: percentile(values, 99) },
      ]),
    ),
    peakRssBytes: { wholeTree: peak.total, largestProcess: peak.largest },
    /** Where the machine's time went (sampled every 250 ms, so short-lived processes are undercounted). */
    cpuSeconds: cpuSecondsByRole(),
  };
  mkdirSync(join(RESULTS, ".."), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);

  process.stdout.write(
    [
      `pipeline: ${AGENTS} agents in ${runIds.length} runs, end to end ${results.endToEndSeconds} s (${results.agentsPerSecond} agents/s)`,
      `outcomes: ${JSON.stringify(outcomes)}, leftovers: ${leftovers}`,
      ...Object.entries(results.hopsMs).map(
        ([name, h]) =>
          `  ${name.padEnd(58)} p50 ${String(h.p50).padStart(6)} ms   p99 ${String(h.p99).padStart(6)} ms`,
      ),
      `peak RSS: whole process tree ${(peak.total / 2 ** 20).toFixed(0)} MiB, largest process ${(peak.largest / 2 ** 20).toFixed(0)} MiB`,
      `CPU seconds: ${JSON.stringify(results.cpuSeconds)}`,
      `written to bench/results/pipeline.json`,
      "",
    ].join("\n"),
  );
  stack.kill("SIGTERM");
  await exited;
  rmSync(dataDirectory, { recursive: true, force: true });
}

await main();

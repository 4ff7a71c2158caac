// Test helpers: the local stack as a user starts it (`make run`'s binary, its own data directory, free
// ports), the gateway it prints, and direct looks into the sandbox cloud with the credentials from local.json.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { newEvent } from "@haymaker/cloudevents";
import type { EventOf } from "@haymaker/contracts";
import { graphScope, SandboxCredential } from "@haymaker/sandbox-cloud";
import type { LocalStackFile } from "../src/local-file.ts";

const BIN = fileURLToPath(new URL("../bin/haymaker-local.js", import.meta.url));

export interface Stack {
  /** The stack's own process: every service runs as a child of it. */
  pid: number;
  dataDirectory: string;
  local: LocalStackFile;
  /** The local admin API key the stack created. */
  apiKey: string;
  /** A gateway request with the admin key. */
  api(path: string, init?: RequestInit): Promise<Response>;
  output(): string;
  stop(): Promise<number | null>;
}

export async function startStack(env: Record<string, string> = {}): Promise<Stack> {
  const dataDirectory = env.HAYMAKER_DATA_DIR ?? mkdtempSync(join(tmpdir(), "haymaker-stack-"));
  const child = spawn(process.execPath, [BIN], {
    env: {
      ...process.env,
      HAYMAKER_DATA_DIR: dataDirectory,
      HAYMAKER_PORT: "0",
      HAYMAKER_BROKER_PORT: "0",
      HAYMAKER_SANDBOX_PORT: "0",
      HAYMAKER_SCHEDULE: "off",
      HAYMAKER_LOG_LEVEL: "warn",
      HAYMAKER_MONITOR_INTERVAL: "PT1S",
      HAYMAKER_AGENT_GRACE: "PT15S",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`the stack did not start in 90 s:\n${output}`));
    }, 90_000);
    child.stdout.on("data", () => {
      if (output.includes("Stop with Ctrl+C.")) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => reject(new Error(`the stack exited (${code}):\n${output}`)));
  });
  let local: LocalStackFile;
  try {
    local = JSON.parse(readFileSync(join(dataDirectory, "local.json"), "utf8")) as LocalStackFile;
  } catch (error) {
    // Never leave a stack running behind a failed test.
    child.kill("SIGTERM");
    throw error;
  }
  const apiKey = readFileSync(local.gateway.apiKeyFile, "utf8").trim();
  return {
    pid: child.pid ?? 0,
    dataDirectory,
    local,
    apiKey,
    api: (path: string, init: RequestInit = {}) =>
      fetch(`${local.gateway.url}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${apiKey}` },
      }),
    output: () => output,
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

/**
 * The running services of a stack by name: the stack's child processes, each running its
 * `haymaker-<name>.js`. A service between a crash and its restart is missing.
 */
export function servicePids(stack: Stack): Map<string, number> {
  const found = new Map<string, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent pid is the second field after the command name, which may itself hold ") ".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) !== stack.pid) continue;
      const name = /haymaker-([a-z-]+)\.js/.exec(readFileSync(`/proc/${entry}/cmdline`, "utf8"))?.[1];
      if (name !== undefined) found.set(name, Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** A run.validated as validate publishes it, for tests that feed the pipeline below the gateway. */
export function validatedRun(runId: string, scenarios: string[], duration: string): EventOf<"run.validated"> {
  return newEvent("run.validated", {
    source: "/haymaker/validate",
    data: {
      runId,
      requestedBy: "test",
      requestedAt: new Date().toISOString(),
      scenarios,
      duration,
      tags: {},
      checks: [{ name: "scenario-catalogue", ok: true }],
    },
  });
}

export interface ExecutionView {
  execution: {
    runId: string;
    status: string;
    summary?: { agents: number; leftovers: number; failed: number };
  };
  agents: {
    agentId: string;
    scenarioId: string;
    stage: string;
    outcome?: string;
    reason?: string;
    progress?: unknown;
  }[];
  report?: ReportView;
}

export interface ReportView {
  status: string;
  summary: { agents: number; completed: number; failed: number; leftovers: number };
  agents: {
    agentId: string;
    outcome: string;
    identity: { appId: string; deleted: boolean };
    secretDeleted: boolean;
    resources: { created: string[]; deleted: string[]; left: unknown[] };
    activity: { total: number; failed: { statusCode?: string; resourceId: string }[] };
    errors: string[];
  }[];
}

export async function execute(stack: Stack, body: unknown): Promise<string> {
  const response = await stack.api("/api/execute", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 202)
    throw new Error(`execute answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { executionId: string }).executionId;
}

/** Polls the gateway until the run has its report, or fails with what it last saw. */
export async function untilReported(stack: Stack, runId: string, timeoutMs: number): Promise<ExecutionView> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    const response = await stack.api(`/api/executions/${runId}`);
    if (response.ok) {
      const view = (await response.json()) as ExecutionView;
      last = view;
      if (view.report !== undefined && ["completed", "failed", "cancelled"].includes(view.execution.status))
        return view;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(
    `run ${runId} did not finish in ${timeoutMs / 1000} s; last seen ${JSON.stringify(last, null, 1)}`,
  );
}

/** The sandbox as an operator queries it with HayMaker's own credentials: ARM, Graph, the Activity Log. */
export function sandboxLook(stack: Stack) {
  const { url, tenantId, subscriptionId, orchestrator } = stack.local.sandbox;
  const credential = new SandboxCredential({
    authorityHost: url,
    tenantId,
    clientId: orchestrator.clientId,
    clientSecret: orchestrator.clientSecret,
  });
  const get = async (path: string, scope: string) => {
    const token = await credential.getToken(scope);
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token.token}` } });
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as { value: Record<string, unknown>[] };
  };
  const arm = "https://management.azure.com/.default";
  const tagFilter = (runId: string) =>
    encodeURIComponent(`tagName eq 'haymaker-run' and tagValue eq '${runId}'`);
  return {
    /** Resource groups and resources still tagged with the run, by the sandbox's own tag listing. */
    async tagged(runId: string): Promise<string[]> {
      const groups = await get(
        `/subscriptions/${subscriptionId}/resourcegroups?api-version=2021-04-01&$filter=${tagFilter(runId)}`,
        arm,
      );
      const resources = await get(
        `/subscriptions/${subscriptionId}/resources?api-version=2021-04-01&$filter=${tagFilter(runId)}`,
        arm,
      );
      return [...groups.value, ...resources.value].map((r) => String(r.id));
    },
    /** Applications in the directory whose name belongs to the run. */
    async applications(runId: string): Promise<string[]> {
      const found = await get(`/v1.0/applications?$top=999`, graphScope);
      return found.value.map((a) => String(a.displayName)).filter((name) => name.includes(runId));
    },
    /** The status codes of every refused DELETE in the Activity Log (any caller, the last hour). */
    async failedDeletes(): Promise<string[]> {
      const since = new Date(Date.now() - 3600_000).toISOString();
      const filter = encodeURIComponent(`eventTimestamp ge '${since}'`);
      const log = await get(
        `/subscriptions/${subscriptionId}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01&$filter=${filter}`,
        arm,
      );
      return log.value
        .filter((e) => (e.httpRequest as { method?: string } | undefined)?.method === "DELETE")
        .filter((e) => (e.status as { value?: string } | undefined)?.value === "Failed")
        .map((e) => String((e.properties as { statusCode?: string } | undefined)?.statusCode));
    },
    /** A Microsoft Graph call as HayMaker's identity; its JSON answer, or {} when it has none. */
    async graph(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
      const token = await credential.getToken(graphScope);
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok)
        throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
      const text = await response.text();
      return text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
    },
    /** Deleted applications of the run still waiting in the directory's recycle bin. */
    async deletedApplications(runId: string): Promise<string[]> {
      const found = await get(
        `/v1.0/directory/deletedItems/microsoft.graph.application?$top=999`,
        graphScope,
      );
      return found.value.map((a) => String(a.displayName)).filter((name) => name.includes(runId));
    },
    /** Creates (or updates) a resource group with these tags, as HayMaker's identity. */
    async createTaggedGroup(
      name: string,
      tags: Record<string, string>,
    ): Promise<{ id: string; tags?: Record<string, string> }> {
      const token = await credential.getToken(arm);
      const response = await fetch(
        `${url}/subscriptions/${subscriptionId}/resourcegroups/${name}?api-version=2021-04-01`,
        {
          method: "PUT",
          headers: { authorization: `Bearer ${token.token}`, "content-type": "application/json" },
          body: JSON.stringify({ location: "westeurope", tags }),
        },
      );
      if (!response.ok)
        throw new Error(`PUT group ${name} answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as { id: string; tags?: Record<string, string> };
    },
    /** Resource groups whose tag `name` has `value`, as ARM answers a tag-filtered list. */
    async listByTag(name: string, value: string): Promise<{ id: string; tags?: Record<string, string> }[]> {
      const filter = encodeURIComponent(`tagName eq '${name}' and tagValue eq '${value}'`);
      const groups = await get(
        `/subscriptions/${subscriptionId}/resourcegroups?api-version=2021-04-01&$filter=${filter}`,
        arm,
      );
      return groups.value as { id: string; tags?: Record<string, string> }[];
    },
    /** Directory audit entries (Graph) that mention the run's identities. */
    async directoryAudits(runId: string): Promise<Record<string, unknown>[]> {
      const found = await get(`/v1.0/auditLogs/directoryAudits?$top=999`, graphScope);
      return found.value.filter((entry) => JSON.stringify(entry).includes(runId));
    },
  };
}

/** The profiles `make run` has; the end-to-end suite runs in each. */
export const PROFILES = ["local", "azure"] as const;
export type Profile = (typeof PROFILES)[number];

/**
 * Where a run's agents and secrets are, whichever profile the stack runs: local processes and 0600 files,
 * or Container Apps job executions and Key Vault secrets in the sandbox cloud.
 */
export function runtimeLook(stack: Stack) {
  const { url, tenantId, orchestrator } = stack.local.sandbox;
  const azure = stack.local.azure;
  const credential = new SandboxCredential({
    authorityHost: url,
    tenantId,
    clientId: orchestrator.clientId,
    clientSecret: orchestrator.clientSecret,
  });
  // Every page: Key Vault lists 25 secrets a page and ARM pages executions, so a leftover of this run can
  // sit on a later page once earlier runs have made enough.
  const getJson = async (target: string, scope: string) => {
    const value: Record<string, unknown>[] = [];
    for (let next: string | null | undefined = target; next; ) {
      const token = await credential.getToken(scope);
      const response = await fetch(next, { headers: { authorization: `Bearer ${token.token}` } });
      if (!response.ok) throw new Error(`GET ${next} answered ${response.status}: ${await response.text()}`);
      const page = (await response.json()) as { value: Record<string, unknown>[]; nextLink?: string | null };
      value.push(...page.value);
      next = page.nextLink;
    }
    return { value };
  };
  return {
    /** Names of the secrets kept for the run (deleted ones still recoverable included). */
    async secrets(runId: string): Promise<string[]> {
      if (azure === undefined) {
        return readdirSync(join(stack.dataDirectory, "secrets")).filter((name) => name.includes(runId));
      }
      const vault = "https://vault.azure.net/.default";
      const names = [];
      for (const path of ["secrets", "deletedsecrets"]) {
        const found = await getJson(`${azure.keyVault}${path}?api-version=7.5`, vault);
        names.push(...found.value.map((s) => String(s.id ?? s.recoveryId).split("/")[4] ?? ""));
      }
      return names.filter((name) => name.includes(runId));
    },
    /** The runtime names of the agents started for the run. */
    async agents(runId: string): Promise<string[]> {
      if (azure === undefined) {
        return readdirSync(join(stack.dataDirectory, "agents"))
          .filter((file) => file.includes(runId) && file.endsWith(".json"))
          .map((file) => file.slice(0, -".json".length));
      }
      const executions = await getJson(
        `${url}${azure.agentJob}/executions?api-version=2026-07-01`,
        "https://management.azure.com/.default",
      );
      return executions.value
        .map((execution) => {
          const containers = (
            execution.properties as {
              template: { containers: { env?: { name: string; value?: string }[] }[] };
            }
          ).template.containers;
          return containers[0]?.env?.find((e) => e.name === "HAYMAKER_AGENT_NAME")?.value ?? "";
        })
        .filter((name) => name.includes(runId));
    },
    /** The process id of the run's agent a01 while it runs (its container's program, in the Azure profile). */
    agentPid(runId: string): number | undefined {
      if (azure === undefined) {
        const state = join(stack.dataDirectory, "agents", `haymaker-${runId}-a01.json`);
        return (JSON.parse(readFileSync(state, "utf8")) as { agentPid?: number }).agentPid;
      }
      for (const entry of readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const environ = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
          if (environ.includes(`HAYMAKER_RUN_ID=${runId}`) && environ.includes("HAYMAKER_AGENT_ID=a01")) {
            return Number(entry);
          }
        } catch {
          // the process ended while we looked
        }
      }
      return undefined;
    },
  };
}

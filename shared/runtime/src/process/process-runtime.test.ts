import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { AgentStatus } from "../agent-runtime.ts";
import { ProcessRuntime } from "./process-runtime.ts";

const directory = mkdtempSync(join(tmpdir(), "haymaker-runtime-"));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

// A stand-in agent: prints its scenario, then behaves as AGENT_MODE says.
// It prints only once its SIGTERM handler is in place, so a test that saw the line may stop it.
const AGENT = `
const mode = process.env.AGENT_MODE;
if (mode === "env") {
  // What an agent can see of the processes above it: its own environment and its supervisor's.
  const fs = require("node:fs");
  const keys = (entries) => entries.filter(Boolean).map((entry) => entry.split("=")[0]).sort().join(",");
  const supervisor = fs.readFileSync("/proc/" + process.ppid + "/environ", "utf8");
  console.log("agent keys: " + keys(Object.entries(process.env).map(([k, v]) => k + "=" + v)));
  console.log("supervisor keys: " + keys(supervisor.split("\\0")));
  console.log("supervisor holds the service's secret: " + supervisor.includes("orchestrator-secret-value"));
}
if (mode === "linger") {
  process.on("SIGTERM", () => { console.log("tearing down"); setTimeout(() => process.exit(0), 100); });
  setInterval(() => {}, 1000);
}
console.log("scenario " + process.env.HAYMAKER_SCENARIO + ", secret present: " + Boolean(process.env.AZURE_CLIENT_SECRET));
if (mode === "fail") process.exit(3);
if (mode !== "linger") process.exit(0);
`;

const runtime = new ProcessRuntime({
  directory,
  command: process.execPath,
  args: ["-e", AGENT],
  graceMs: 2000,
});

async function until(ref: string, done: (status: AgentStatus) => boolean): Promise<AgentStatus> {
  for (let i = 0; i < 100; i++) {
    const status = await runtime.status(ref);
    if (done(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out; last status ${JSON.stringify(await runtime.status(ref))}`);
}

/** Waits until the agent has printed its first line (and so is fully up). */
async function booted(ref: string): Promise<void> {
  await until(ref, (status) => {
    try {
      return status.state === "running" && readFileSync(runtime.logFile(ref), "utf8").includes("scenario");
    } catch {
      return false;
    }
  });
}

const env = (mode: string) => ({
  AGENT_MODE: mode,
  HAYMAKER_SCENARIO: "storage-keys",
  AZURE_CLIENT_SECRET: "not-on-disk-value",
});

describe("the local agent runtime (supervised child processes)", () => {
  it("runs an agent to success, reports it, keeps its output and never writes its environment to disk", async () => {
    const ref = await runtime.start({ name: "hm-run1-a01", env: env("ok") });
    expect(ref).toBe("local:hm-run1-a01");
    const status = await until(ref, (s) => s.state !== "running");
    expect(status).toMatchObject({ state: "succeeded", exitCode: 0 });
    expect(readFileSync(runtime.logFile(ref), "utf8")).toContain(
      "scenario storage-keys, secret present: true",
    );
    for (const file of [join(directory, "hm-run1-a01.json"), runtime.logFile(ref)]) {
      expect(readFileSync(file, "utf8")).not.toContain("not-on-disk-value");
    }
  });

  it("gives the agent only its own environment, and its supervisor nothing of the service's", async () => {
    const inherited = {
      HAYMAKER_CLIENT_SECRET: "orchestrator-secret-value",
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: "x",
    };
    Object.assign(process.env, inherited);
    try {
      const ref = await runtime.start({ name: "hm-run1-a06", env: env("env") });
      await until(ref, (s) => s.state !== "running");
      const log = readFileSync(runtime.logFile(ref), "utf8");
      const allowed = new Set(["PATH", "NODE_COMPILE_CACHE", ...Object.keys(env("env"))]);
      const agentKeys = /agent keys: (.*)/.exec(log)?.[1]?.split(",") ?? [];
      expect(agentKeys).toEqual(expect.arrayContaining(Object.keys(env("env"))));
      expect(agentKeys.filter((key) => !allowed.has(key))).toEqual([]);
      const supervisorKeys = /supervisor keys: (.*)/.exec(log)?.[1]?.split(",") ?? [];
      expect(supervisorKeys).toContain("PATH");
      expect(supervisorKeys.filter((key) => key !== "PATH" && key !== "NODE_COMPILE_CACHE")).toEqual([]);
      expect(log).toContain("supervisor holds the service's secret: false");
    } finally {
      for (const key of Object.keys(inherited)) delete process.env[key];
    }
  });

  it("reports a failing agent with its exit code", async () => {
    const ref = await runtime.start({ name: "hm-run1-a02", env: env("fail") });
    expect(await until(ref, (s) => s.state !== "running")).toMatchObject({ state: "failed", exitCode: 3 });
  });

  it("starts each agent once, however often start is called", async () => {
    const [first, second] = await Promise.all([
      runtime.start({ name: "hm-run1-a03", env: env("linger") }),
      runtime.start({ name: "hm-run1-a03", env: env("linger") }),
    ]);
    expect(first).toBe(second);
    await booted(first);
    await runtime.stop(first);
    await until(first, (s) => s.state !== "running");
    expect((readFileSync(runtime.logFile(first), "utf8").match(/scenario storage-keys/g) ?? []).length).toBe(
      1,
    );
  });

  it("runs an agent whose launch died half way when start is called again, and only then", async () => {
    // What a deploy killed between claiming the name and handing over to the supervisor leaves behind.
    const claim = (name: string, startedAt: Date) =>
      writeFileSync(
        join(directory, `${name}.json`),
        JSON.stringify({ name, state: "starting", startedAt: startedAt.toISOString() }),
      );
    claim("hm-run1-a07", new Date(Date.now() - 2 * 60_000));
    const ref = await runtime.start({ name: "hm-run1-a07", env: env("ok") });
    expect(await until(ref, (s) => s.state !== "running")).toMatchObject({ state: "succeeded" });
    // A launch just begun is someone else's, still under way: start leaves it alone.
    claim("hm-run1-a08", new Date());
    await runtime.start({ name: "hm-run1-a08", env: env("ok") });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(JSON.parse(readFileSync(join(directory, "hm-run1-a08.json"), "utf8"))).toMatchObject({
      state: "starting",
    });
  });

  it("stops an agent on request, giving it time to tear down", async () => {
    const ref = await runtime.start({ name: "hm-run1-a04", env: env("linger") });
    await booted(ref);
    expect((await runtime.status(ref)).state).toBe("running");
    await runtime.stop(ref);
    const status = await until(ref, (s) => s.state !== "running");
    expect(status).toMatchObject({ state: "stopped", exitCode: 0 });
    expect(readFileSync(runtime.logFile(ref), "utf8")).toContain("tearing down");
    await runtime.stop(ref);
  });

  it("reports an agent whose supervisor died as failed, and refuses unknown references", async () => {
    const ref = await runtime.start({ name: "hm-run1-a05", env: env("linger") });
    await booted(ref);
    const record = JSON.parse(readFileSync(join(directory, "hm-run1-a05.json"), "utf8"));
    process.kill(record.supervisorPid, "SIGKILL");
    process.kill(record.agentPid, "SIGKILL");
    const status = await until(ref, (s) => s.state !== "running");
    expect(status).toMatchObject({ state: "failed" });
    expect(status.detail).toMatch(/supervisor is gone/);
    await expect(runtime.status("local:nobody")).rejects.toThrow(/no local agent/);
    await expect(runtime.status("/subscriptions/x")).rejects.toThrow(/not a local agent reference/);
    await expect(runtime.start({ name: "Bad Name", env: {} })).rejects.toThrow(/lowercase/);
  });

  it("checks that agents can be started: a missing agent program is named", async () => {
    await expect(runtime.check()).resolves.toBeUndefined();
    const missing = new ProcessRuntime({
      directory,
      command: process.execPath,
      args: [join(directory, "no-agent.js")],
    });
    await expect(missing.check()).rejects.toThrow(/agent program .*no-agent\.js does not exist/);
  });
});

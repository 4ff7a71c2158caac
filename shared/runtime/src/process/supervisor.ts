// Runs one agent process and records how it ends. Started detached by ProcessRuntime, it outlives the service
// that started it. Reads {command, args, env} from stdin (so the agent's secret never touches the disk),
// forwards SIGTERM to the agent, and escalates to SIGKILL after the grace period.
import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import { readRecord, writeRecord } from "./state-file.ts";

interface Launch {
  command: string;
  args: string[];
  env: Record<string, string>;
  logFile: string;
  graceMs: number;
}

const stateFile = process.argv[2];
if (!stateFile) {
  process.stderr.write("usage: supervisor.ts STATE_FILE (launch spec on stdin)\n");
  process.exit(2);
}

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const launch = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Launch;
const record = readRecord(stateFile);
if (!record) process.exit(2);

const log = openSync(launch.logFile, "a", 0o600);
const agent = spawn(launch.command, launch.args, { env: launch.env, stdio: ["ignore", log, log] });
let stopRequested = false;
writeRecord(stateFile, { ...record, state: "running", supervisorPid: process.pid, agentPid: agent.pid });

process.on("SIGTERM", () => {
  if (stopRequested) return;
  stopRequested = true;
  agent.kill("SIGTERM");
  setTimeout(() => agent.kill("SIGKILL"), launch.graceMs).unref();
});

agent.on("error", (error) => {
  writeRecord(stateFile, {
    ...record,
    state: "failed",
    supervisorPid: process.pid,
    finishedAt: new Date().toISOString(),
    detail: `the agent could not start: ${error.message}`,
  });
  process.exit(1);
});

agent.on("exit", (code, signal) => {
  const state = stopRequested ? "stopped" : code === 0 ? "succeeded" : "failed";
  writeRecord(stateFile, {
    ...record,
    state,
    supervisorPid: process.pid,
    agentPid: agent.pid,
    finishedAt: new Date().toISOString(),
    ...(code === null ? {} : { exitCode: code }),
    ...(signal ? { detail: `ended by ${signal}` } : {}),
  });
  process.exit(0);
});

// The local agent runtime: each agent is a child process under a small supervisor, detached from the service
// that started it, and known by a state file under the data directory.
import { spawn } from "node:child_process";
import { constants, linkSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { access } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AgentNotFoundError, type AgentRuntime, type AgentSpec, type AgentStatus } from "../agent-runtime.ts";
import { type ProcessRecord, readRecord } from "./state-file.ts";

const SUPERVISOR = fileURLToPath(new URL("./supervisor.ts", import.meta.url));
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const REF_PREFIX = "local:";
const STARTING_WAIT_MS = 10_000;
// A supervisor records itself within moments of its launch; one not recorded after a minute never will be.
// (A deploy that died half way is redelivered only once its lock lapses, minutes later.)
const ABANDONED_AFTER_MS = 60_000;

export interface ProcessRuntimeOptions {
  /** Where state files and agent logs live. */
  directory: string;
  /** The agent program: the reference agent by default, anything in tests. */
  command: string;
  args: string[];
  /** How long a stopped agent has to tear down before it is killed. */
  graceMs?: number;
}

export class ProcessRuntime implements AgentRuntime {
  readonly #options: ProcessRuntimeOptions;

  constructor(options: ProcessRuntimeOptions) {
    this.#options = options;
    mkdirSync(options.directory, { recursive: true, mode: 0o700 });
  }

  #file(name: string): string {
    return join(this.#options.directory, `${name}.json`);
  }

  #name(ref: string): string {
    const name = ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : "";
    if (!NAME.test(name))
      throw new AgentNotFoundError(`"${ref.slice(0, 80)}" is not a local agent reference (local:<name>)`);
    return name;
  }

  /** Where the agent's standard output and error go. */
  logFile(ref: string): string {
    return join(this.#options.directory, `${this.#name(ref)}.log`);
  }

  async start(spec: AgentSpec): Promise<string> {
    if (!NAME.test(spec.name)) {
      throw new Error(
        `agent name "${spec.name.slice(0, 80)}" must be 1-63 lowercase letters, digits or hyphens`,
      );
    }
    const ref = REF_PREFIX + spec.name;
    const file = this.#file(spec.name);
    // Creating the state file exclusively (a hard link from a complete temporary file, so nobody ever reads a
    // half-written one) is the idempotency lock: a redelivered deploy finds it and starts nothing.
    const temporary = `${file}.${process.pid}.${Date.now()}.new`;
    writeFileSync(
      temporary,
      `${JSON.stringify({ name: spec.name, state: "starting", startedAt: new Date().toISOString() })}\n`,
      { mode: 0o600 },
    );
    try {
      linkSync(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (!abandonedLaunch(readRecord(file))) return ref;
      // The service that claimed the name died before its supervisor took over, so nothing will ever run
      // the agent: the redelivery that brought us here does.
      renameSync(temporary, file);
    } finally {
      rmSync(temporary, { force: true });
    }
    // The supervisor gets the bare minimum, never the starting service's environment (deploy's holds its bus
    // connection and, in some setups, HayMaker's own credentials): the agent could read it in
    // /proc/<supervisor>/environ. The agent's own environment travels on stdin.
    const supervisor = spawn(process.execPath, [SUPERVISOR, file], {
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
      env: baseEnvironment(),
    });
    supervisor.stdin.end(
      JSON.stringify({
        command: this.#options.command,
        args: this.#options.args,
        env: { ...baseEnvironment(), ...spec.env },
        logFile: this.logFile(ref),
        graceMs: this.#options.graceMs ?? 30_000,
      }),
    );
    supervisor.unref();
    return ref;
  }

  /** A launch that died half way does not count: start runs that agent again. */
  async find(name: string): Promise<string | undefined> {
    if (!NAME.test(name)) return undefined;
    const record = readRecord(this.#file(name));
    return record === undefined || abandonedLaunch(record) ? undefined : REF_PREFIX + name;
  }

  /** References of the agents still running (or starting), e.g. to stop them all before the machine goes down. */
  async running(): Promise<string[]> {
    const refs: string[] = [];
    for (const file of readdirSync(this.#options.directory)) {
      const name = file.endsWith(".json") ? file.slice(0, -".json".length) : "";
      if (!NAME.test(name)) continue;
      const ref = REF_PREFIX + name;
      const status = await this.status(ref).catch(() => undefined);
      if (status?.state === "running") refs.push(ref);
    }
    return refs;
  }

  async check(): Promise<void> {
    await access(this.#options.directory, constants.W_OK).catch(() => {
      throw new Error(`the agent state directory ${this.#options.directory} is not writable`);
    });
    // The program, and a script it runs (the reference agent is `node <bin>`), must both be there.
    for (const file of [this.#options.command, ...this.#options.args.slice(0, 1)]) {
      if (!file.includes("/")) continue;
      await access(file, constants.R_OK).catch(() => {
        throw new Error(`the agent program ${file} does not exist or cannot be read`);
      });
    }
  }

  async status(ref: string): Promise<AgentStatus> {
    const record = readRecord(this.#file(this.#name(ref)));
    if (!record) throw new AgentNotFoundError(`no local agent ${ref}`);
    if (record.state === "starting" || record.state === "running") {
      if (record.supervisorPid !== undefined && !alive(record.supervisorPid)) {
        return {
          ...statusOf(record),
          state: "failed",
          detail: "its supervisor is gone (the machine restarted or the process was killed)",
        };
      }
      return { ...statusOf(record), state: "running" };
    }
    return statusOf(record);
  }

  async stop(ref: string): Promise<void> {
    const file = this.#file(this.#name(ref));
    let record = readRecord(file);
    if (!record) throw new AgentNotFoundError(`no local agent ${ref}`);
    // Just started: the supervisor records itself within moments; wait for it rather than miss the stop.
    for (let waited = 0; record?.state === "starting" && waited < STARTING_WAIT_MS; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      record = readRecord(file);
    }
    if (record?.supervisorPid === undefined || record.state !== "running") return;
    try {
      process.kill(record.supervisorPid, "SIGTERM");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  }
}

/** What every process the runtime starts inherits from the service: how to find programs, and Node's cache. */
function baseEnvironment(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    // Agents start by the hundred; Node's compile cache, when the service has one, makes each start cheaper.
    ...(process.env.NODE_COMPILE_CACHE ? { NODE_COMPILE_CACHE: process.env.NODE_COMPILE_CACHE } : {}),
  };
}

/** A "starting" record no supervisor took over within ABANDONED_AFTER_MS: its launch died half way. */
function abandonedLaunch(record: ProcessRecord | undefined): boolean {
  return (
    record?.state === "starting" &&
    record.supervisorPid === undefined &&
    Date.now() - Date.parse(record.startedAt) > ABANDONED_AFTER_MS
  );
}

function statusOf(record: ProcessRecord): AgentStatus {
  const { state, exitCode, startedAt, finishedAt, detail } = record;
  return {
    state: state === "starting" ? "running" : state,
    startedAt,
    ...(exitCode === undefined ? {} : { exitCode }),
    ...(finishedAt ? { finishedAt } : {}),
    ...(detail ? { detail } : {}),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// The embedded broker as its own process with HayMaker's own topology, the way operators and `make run` run
// it: durable (its SQLite store in a directory of the benchmark's) or in memory. Its own process, so the
// broker's work and the replaying client's work do not share one event loop.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildEmulatorConfig, toJsonFile, topology } from "@haymaker/contracts";

export type BrokerMode = "durable" | "in-memory";

export interface BrokerProcess {
  mode: BrokerMode;
  connectionString: string;
  child: ChildProcess;
  /** Everything it wrote so far, standard output and error together. */
  output(): string;
  /** CPU seconds the broker process has used so far, or undefined where the system does not say. */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

// The broker's bin sits next to its package's entry point.
const BROKER_BIN = fileURLToPath(
  new URL("../bin/haymaker-broker.js", import.meta.resolve("@haymaker/broker")),
);
/** Linux counts process CPU in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name (which may hold spaces, hence the last ")"): utime and stime are 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Starts the broker on a free loopback port and resolves once it says it listens. */
export function startBrokerProcess(mode: BrokerMode, directory: string): Promise<BrokerProcess> {
  const config = join(directory, "Config.json");
  writeFileSync(config, toJsonFile(buildEmulatorConfig(topology)));
  const storage = mode === "durable" ? ["--data", join(directory, "broker-data")] : ["--in-memory"];
  const child = spawn(process.execPath, [BROKER_BIN, "--port", "0", "--config", config, ...storage], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let stopping = false;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const connection = /connection string (\S+)/.exec(output);
      if (!/listening on 127\.0\.0\.1:\d+/.test(output) || connection?.[1] === undefined) return;
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onData);
      child.stdout?.on("data", (more: Buffer) => (output += more.toString()));
      child.stderr?.on("data", (more: Buffer) => (output += more.toString()));
      resolve({
        mode,
        connectionString: connection[1],
        child,
        output: () => output,
        cpuSeconds: () => cpuSecondsOf(child.pid),
        async stop() {
          stopping = true;
          child.kill("SIGTERM");
          await exited;
        },
      });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    exited.then((code) => {
      if (stopping) return;
      // Figures taken after the broker died would be meaningless: say so and stop the benchmark.
      const message = `the ${mode} broker exited (${code}) during the benchmark:\n${output}`;
      reject(new Error(message));
      process.stderr.write(`bench:replay: ${message}\n`);
      process.exit(1);
    });
  });
}

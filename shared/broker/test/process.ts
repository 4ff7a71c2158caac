// Runs the broker as its own process, the way operators and `make run` do, and waits for its ready line.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../bin/haymaker-broker.js", import.meta.url));

export interface BrokerProcess {
  child: ChildProcess;
  port: number;
  /** The root connection string the broker printed, with its real key. */
  connectionString: string;
  output(): string;
  exited: Promise<number | null>;
}

export function spawnBroker(args: string[], nodeOptions: string[] = []): Promise<BrokerProcess> {
  const child = spawn(process.execPath, [...nodeOptions, BIN, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(output);
      const connectionString = /connection string (\S+)/.exec(output)?.[1];
      if (match && connectionString)
        resolve({ child, port: Number(match[1]), connectionString, output: () => output, exited });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    exited.then((code) =>
      reject(new Error(`the broker exited with ${code} before it was ready:\n${output}`)),
    );
  });
}

/** Runs the broker expecting it to refuse to start; resolves with its exit code and output. */
export function runBrokerToExit(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, output })));
}

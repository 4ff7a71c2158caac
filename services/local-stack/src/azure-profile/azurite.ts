// Azurite (Microsoft's Blob Storage emulator, from npm) as its own process, as Blob Storage is its own
// service in Azure: reports are written to it through @azure/storage-blob. Its account key is made new on
// every start and handed only to the services that read or write reports, so no well-known key opens it.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The storage account the local stack's Azurite serves; Azure's naming rules (3-24 lowercase letters, digits). */
export const AZURITE_ACCOUNT = "haymakerlocal";

export interface RunningAzurite {
  /** The account's blob endpoint, http://127.0.0.1:<port>/<account>. */
  blobEndpoint: string;
  /** A connection string with the account key: a credential, handed only to the services that need it. */
  connectionString: string;
  stop(): Promise<void>;
}

const READY = /successfully listens on (http:\/\/127\.0\.0\.1:(\d+))/;

/** Starts Azurite's blob service on 127.0.0.1, keeping its data in `directory`; `port` 0 picks a free one. */
export async function startAzurite(
  directory: string,
  port: number,
  timeoutMs = 30_000,
): Promise<RunningAzurite> {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const main = join(dirname(require.resolve("azurite/package.json")), "dist/src/blob/main.js");
  const key = randomBytes(64).toString("base64");
  const child = spawn(
    process.execPath,
    [
      main,
      ...["--blobHost", "127.0.0.1", "--blobPort", String(port), "--location", directory],
      // Azurite lags the SDK's newest service version; it answers every version it knows the same way.
      ...["--silent", "--disableTelemetry", "--skipApiVersionCheck"],
    ],
    // AZURITE_ACCOUNTS replaces the emulator's well-known development account with this one.
    { env: { PATH: process.env.PATH ?? "", AZURITE_ACCOUNTS: `${AZURITE_ACCOUNT}:${key}` }, stdio: "pipe" },
  );
  const origin = await new Promise<string>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs / 1000} s`), timeoutMs);
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`Azurite ${why}:\n${output.slice(-2000)}`));
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = READY.exec(output);
      if (ready?.[1]) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => fail(`exited (${code}) before it was ready`));
  });
  child.stdout?.resume();
  child.stderr?.resume();
  // Azurite does not watch its parent: should the stack exit without stop() (a failure while it starts, an
  // uncaught error), it would go on serving the account, its port taken, until someone kills it.
  const killWithStack = () => child.kill("SIGKILL");
  process.once("exit", killWithStack);
  const blobEndpoint = `${origin}/${AZURITE_ACCOUNT}`;
  return {
    blobEndpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${key};BlobEndpoint=${blobEndpoint};`,
    stop: () => {
      process.off("exit", killWithStack);
      return stopChild(child);
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

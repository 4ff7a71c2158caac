// The phase services the local stack runs, each as its own process — as in Azure, where each is its own
// Container Apps job — sharing only the bus. A service that dies is restarted after a pause that grows
// with each crash, so one broken handler cannot spin the machine; every line it writes is passed on.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

export interface ServiceSpec {
  name: string;
  /** The workspace package whose bin runs the service. */
  packageName: string;
  bin: string;
}

/** The services `make run` starts: every phase, the projector and the gateway. */
export const LOCAL_SERVICES: readonly ServiceSpec[] = [
  "scheduler",
  "validate",
  "select",
  "provision",
  "deploy",
  "monitor",
  "verify-cleanup",
  "force-cleanup",
  "report",
  "projector",
  "gateway",
].map((name) => ({ name, packageName: `@haymaker/${name}`, bin: `bin/haymaker-${name}.js` }));

export interface RunningServices {
  stop(): Promise<void>;
}

const MAX_RESTART_DELAY_MS = 30_000;

export function startServices(
  services: readonly ServiceSpec[],
  env: Record<string, string>,
  write: (line: string) => void,
): RunningServices {
  let stopping = false;
  const children = new Map<string, ChildProcess>();
  const launch = (service: ServiceSpec, crashes: number) => {
    const entry = join(dirname(require.resolve(`${service.packageName}/package.json`)), service.bin);
    const child = spawn(process.execPath, [entry], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.set(service.name, child);
    const prefix = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n"))
        if (line.trim()) write(`${service.name.padEnd(14)} | ${line}`);
    };
    child.stdout?.on("data", prefix);
    child.stderr?.on("data", prefix);
    child.once("exit", (code, signal) => {
      children.delete(service.name);
      if (stopping) return;
      const delay = Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** crashes);
      write(`${service.name.padEnd(14)} | exited (${signal ?? code}); restarting in ${delay / 1000}s`);
      setTimeout(() => launch(service, crashes + 1), delay).unref();
    });
  };
  for (const service of services) launch(service, 0);
  return {
    async stop() {
      stopping = true;
      await Promise.all(
        [...children.values()].map(
          (child) =>
            new Promise<void>((resolve) => {
              child.once("exit", () => resolve());
              child.kill("SIGTERM");
            }),
        ),
      );
    },
  };
}

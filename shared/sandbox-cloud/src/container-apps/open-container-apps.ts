// The Container Apps part of a sandbox: its store, the runner of executions and where their output goes
// (<data directory>/container-apps/logs, or a temporary directory of the sandbox's own, removed when it
// closes, for a sandbox kept in memory).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { ContainerAppsStore } from "./container-apps-store.ts";
import { type ContainerImage, ExecutionRunner } from "./execution-runner.ts";

/** Container Apps' default termination grace period (Template.terminationGracePeriodSeconds). */
export const DEFAULT_EXECUTION_GRACE_MS = 30_000;

export interface ContainerAppsOptions {
  images: Readonly<Record<string, ContainerImage>>;
  dataDirectory: string | undefined;
  graceMs: number | undefined;
  identityEndpoint: () => string;
}

export interface ContainerApps {
  store: ContainerAppsStore;
  runner: ExecutionRunner;
  /** Stops running executions (waiting for their processes) and removes a temporary log directory. */
  close(): Promise<void>;
}

export function openContainerApps(db: DatabaseSync, options: ContainerAppsOptions): ContainerApps {
  const graceMs = options.graceMs ?? DEFAULT_EXECUTION_GRACE_MS;
  if (!(graceMs >= 0)) throw new Error("executionGraceMs must be 0 or more");
  for (const [image, program] of Object.entries(options.images)) {
    if (typeof program?.command !== "string" || program.command === "") {
      throw new Error(
        `containerImages["${image}"] needs a command: the program that stands in for the image`,
      );
    }
  }
  const temporary =
    options.dataDirectory === undefined
      ? mkdtempSync(join(tmpdir(), "sandbox-cloud-executions-"))
      : undefined;
  const logDirectory = temporary ?? join(options.dataDirectory as string, "container-apps", "logs");
  const store = new ContainerAppsStore(db);
  const runner = new ExecutionRunner(store, {
    images: options.images,
    logDirectory,
    graceMs,
    identityEndpoint: options.identityEndpoint,
  });
  return {
    store,
    runner,
    close: async () => {
      await runner.close();
      if (temporary !== undefined) rmSync(temporary, { recursive: true, force: true });
    },
  };
}

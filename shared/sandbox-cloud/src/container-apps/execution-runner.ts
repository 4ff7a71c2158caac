// Runs job executions as local processes, the way Container Apps runs them as containers:
// - an image is a local program (SandboxCloudOptions.containerImages); an image the sandbox does not know
//   cannot be pulled: its container waits in ImagePullBackOff until the replica times out, as in Azure
//   (an execution whose container cannot be created "remains running until timeout",
//   microsoft/azure-container-apps#1163);
// - each container's environment is the template's env with secretRefs resolved from the job's secrets, the
//   job variables Container Apps sets (CONTAINER_APP_JOB_NAME, CONTAINER_APP_JOB_EXECUTION_NAME,
//   CONTAINER_APP_REPLICA_NAME) and, for a job with user-assigned identities, IDENTITY_ENDPOINT and
//   IDENTITY_HEADER (learn.microsoft.com/azure/container-apps/managed-identity, "REST endpoint reference");
// - a failed replica is retried up to replicaRetryLimit times, then the execution fails with
//   BackoffLimitExceeded; a replica running longer than replicaTimeout is stopped and the execution fails
//   with DeadlineExceeded (reasons and messages as Jobs - Get Execution examples show them,
//   azure-rest-api-specs Microsoft.App 2026-07-01 Job_Execution_Get.json, and Kubernetes' Job controller);
// - a stop sends SIGTERM, then SIGKILL after the grace period. Jobs have no terminationGracePeriodSeconds
//   in api-version 2026-07-01 (JobTemplate has initContainers, containers and volumes only), so the grace is
//   Container Apps' default of 30 seconds (Template.terminationGracePeriodSeconds: "Defaults to 30
//   seconds"), changeable for tests with SandboxCloudOptions.executionGraceMs.
// Output goes to <log directory>/<execution>/<container>.log. Every change is written to the store at once.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import type { ManagedIdentityRef } from "../managed-identity/user-assigned-identities.ts";
import type {
  ContainerAppsStore,
  ContainerStatus,
  ExecutionRecord,
  ExecutionStatus,
} from "./container-apps-store.ts";
import type { JobContainer } from "./containers.ts";
import type { JobDefinition } from "./job-definition.ts";

export interface ContainerImage {
  /** The program that stands in for the image's entrypoint. */
  command: string;
  /** Its default arguments (the image's CMD), replaced by a container's `args`. */
  args?: string[];
  /** Variables the image itself sets (its ENV), overridden by the template's env. */
  env?: Record<string, string>;
}

export interface ExecutionRunnerOptions {
  images: Readonly<Record<string, ContainerImage>>;
  logDirectory: string;
  graceMs: number;
  /** The managed identity endpoint's URL, once the sandbox listens. */
  identityEndpoint: () => string;
}

type ReplicaEnd = "succeeded" | "failed" | "stopped" | "timedOut";

interface Running {
  jobId: string;
  identities: ManagedIdentityRef[];
  /** Ends the current replica early: a stop, or the sandbox closing. */
  terminate: (why: "stopped") => void;
  stopReason: { reason: string; message: string } | undefined;
  done: Promise<void>;
}

/** Kubernetes reports a container killed by a signal with exit code 128 + the signal's number. */
const SIGNAL_EXIT: Record<string, number> = { SIGTERM: 143, SIGKILL: 137, SIGINT: 130 };

export class ExecutionRunner {
  readonly #store: ContainerAppsStore;
  readonly #options: ExecutionRunnerOptions;
  readonly #running = new Map<string, Running>();
  /** IDENTITY_HEADER values of running executions, never stored: they end with their execution. */
  readonly #headers = new Map<string, string>();
  /**
   * Running executions whose job was deleted: the store has forgotten them, and what their processes
   * report as they end must not write them back (under a job made again with the same name).
   */
  readonly #forgotten = new Set<string>();

  constructor(store: ContainerAppsStore, options: ExecutionRunnerOptions) {
    this.#store = store;
    this.#options = options;
    mkdirSync(options.logDirectory, { recursive: true, mode: 0o700 });
    // Processes do not outlive the sandbox that ran them: what a previous sandbox left running has ended.
    for (const execution of store.running()) {
      this.#finish(jobIdOf(execution.id), execution, "Failed", {
        reason: "SandboxRestarted",
        message: "The sandbox cloud stopped while this execution ran; its processes ended with it.",
      });
    }
  }

  logFile(executionName: string, containerName: string): string {
    return join(this.#options.logDirectory, executionName, `${containerName}.log`);
  }

  start(jobId: string, definition: JobDefinition, containers: JobContainer[]): ExecutionRecord {
    const jobName = jobId.split("/").pop() ?? "job";
    const name = `${jobName}-${randomName(7)}`;
    const execution: ExecutionRecord = {
      id: `${jobId}/executions/${name}`,
      name,
      type: "Microsoft.App/jobs/executions",
      properties: {
        status: "Running",
        startTime: new Date().toISOString(),
        template: { containers },
        detailedStatus: { replicas: [] },
      },
    };
    this.#store.putExecution(jobId, execution);
    let resolveDone = () => {};
    const running: Running = {
      jobId,
      identities: definition.containerIdentities,
      terminate: () => {},
      stopReason: undefined,
      done: new Promise((resolve) => {
        resolveDone = resolve;
      }),
    };
    this.#running.set(execution.id.toLowerCase(), running);
    const header = definition.containerIdentities.length > 0 ? randomBytes(24).toString("hex") : undefined;
    if (header !== undefined) this.#headers.set(header, execution.id.toLowerCase());
    void this.#run(execution, definition, running, header).finally(() => {
      this.#running.delete(execution.id.toLowerCase());
      this.#forgotten.delete(execution.id.toLowerCase());
      if (header !== undefined) this.#headers.delete(header);
      resolveDone();
    });
    return execution;
  }

  /** Asks a running execution to stop; false when it is not running. */
  stop(
    executionId: string,
    why = { reason: "Stopped", message: "The execution was stopped on request." },
  ): boolean {
    const running = this.#running.get(executionId.toLowerCase());
    if (running === undefined) return false;
    running.stopReason ??= why;
    running.terminate("stopped");
    return true;
  }

  /** Stops the executions of the jobs at or under `scope` (deleted with them), without waiting. */
  stopUnder(scope: string): void {
    const prefix = scope.toLowerCase();
    for (const [id, running] of this.#running) {
      const job = running.jobId.toLowerCase();
      if (job === prefix || job.startsWith(`${prefix}/`)) {
        this.#forgotten.add(id);
        this.stop(id, { reason: "Stopped", message: "The job was deleted." });
      }
    }
  }

  /** The identities the execution holding this IDENTITY_HEADER may get tokens for. */
  identitiesFor(header: string): ManagedIdentityRef[] | undefined {
    const id = this.#headers.get(header);
    return id === undefined ? undefined : this.#running.get(id)?.identities;
  }

  /** Stops every running execution and waits for their processes to end (SIGKILL after the grace). */
  async close(): Promise<void> {
    const all = [...this.#running.keys()];
    for (const id of all) {
      this.stop(id, { reason: "Stopped", message: "The sandbox cloud shut down." });
    }
    await Promise.all([...this.#running.values()].map((running) => running.done));
  }

  async #run(
    execution: ExecutionRecord,
    definition: JobDefinition,
    running: Running,
    header: string | undefined,
  ): Promise<void> {
    const secrets = new Map(definition.secrets.map((s) => [s.name, s.value]));
    for (let attempt = 0; ; attempt++) {
      // A stop that came between two attempts ends the execution before another replica starts.
      if (attempt > 0 && running.stopReason !== undefined) {
        return this.#finish(running.jobId, execution, "Stopped", running.stopReason);
      }
      const replicaName = `${execution.name}-${randomName(5)}`;
      execution.properties.detailedStatus.replicas.push({ name: replicaName, containers: [] });
      const end = await this.#runReplica(execution, replicaName, definition, running, secrets, header);
      if (end === "succeeded") return this.#finish(running.jobId, execution, "Succeeded");
      if (end === "stopped") {
        return this.#finish(running.jobId, execution, "Stopped", running.stopReason);
      }
      if (end === "timedOut") {
        return this.#finish(running.jobId, execution, "Failed", {
          reason: "DeadlineExceeded",
          message: "Job was active longer than specified deadline",
        });
      }
      if (attempt >= definition.replicaRetryLimit) {
        return this.#finish(running.jobId, execution, "Failed", {
          reason: "BackoffLimitExceeded",
          message: "Job has reached the specified backoff limit",
        });
      }
    }
  }

  #runReplica(
    execution: ExecutionRecord,
    replicaName: string,
    definition: JobDefinition,
    running: Running,
    secrets: Map<string, string>,
    header: string | undefined,
  ): Promise<ReplicaEnd> {
    const containers = execution.properties.template.containers;
    const replica = execution.properties.detailedStatus.replicas.at(-1) as { containers: ContainerStatus[] };
    replica.containers = containers.map((c) => ({ name: c.name, status: "Running" }));
    const save = () => this.#save(running.jobId, execution);
    return new Promise((resolve) => {
      const children: ChildProcess[] = [];
      let pending = containers.length;
      let ending: "stopped" | "timedOut" | undefined;
      const ended = (index: number, status: ContainerStatus) => {
        if (
          replica.containers[index]?.status !== "Running" &&
          replica.containers[index]?.status !== "Waiting"
        ) {
          return;
        }
        replica.containers[index] = status;
        save();
        pending -= 1;
        if (pending === 0) {
          clearTimeout(timer);
          const allZero = replica.containers.every((c) => c.code === 0);
          resolve(ending ?? (allZero ? "succeeded" : "failed"));
        }
      };
      const terminate = (why: "stopped" | "timedOut") => {
        if (ending !== undefined) return;
        ending = why;
        for (const [index, status] of replica.containers.entries()) {
          // A container still waiting for its image never ran: it ends with the replica.
          if (status.status === "Waiting") {
            ended(index, {
              name: status.name,
              status: "Terminated",
              additionalInformation: status.additionalInformation ?? "",
            });
          }
        }
        for (const child of children) child.kill("SIGTERM");
        const kill = setTimeout(() => {
          for (const child of children)
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        }, this.#options.graceMs);
        kill.unref();
      };
      const timer = setTimeout(() => terminate("timedOut"), definition.replicaTimeoutSeconds * 1000);
      running.terminate = terminate;

      for (const [index, container] of containers.entries()) {
        const image = this.#options.images[container.image];
        if (image === undefined) {
          replica.containers[index] = {
            name: container.name,
            status: "Waiting",
            additionalInformation: `ImagePullBackOff: the image '${container.image}' could not be pulled (the sandbox cloud has no program for it in containerImages).`,
          };
          continue;
        }
        const env = {
          PATH: process.env.PATH ?? "",
          ...image.env,
          ...Object.fromEntries(
            container.env.map((v) => [
              v.name,
              v.secretRef === undefined ? (v.value ?? "") : (secrets.get(v.secretRef) ?? ""),
            ]),
          ),
          CONTAINER_APP_JOB_NAME: running.jobId.split("/").pop() ?? "",
          CONTAINER_APP_JOB_EXECUTION_NAME: execution.name,
          CONTAINER_APP_REPLICA_NAME: replicaName,
          ...(header === undefined
            ? {}
            : { IDENTITY_ENDPOINT: this.#options.identityEndpoint(), IDENTITY_HEADER: header }),
        };
        const logFile = this.logFile(execution.name, container.name);
        mkdirSync(join(this.#options.logDirectory, execution.name), { recursive: true, mode: 0o700 });
        const log = openSync(logFile, "a", 0o600);
        const child = spawn(image.command, container.args ?? image.args ?? [], {
          env,
          stdio: ["ignore", log, log],
        });
        closeSync(log);
        children.push(child);
        child.once("error", (error) => {
          ended(index, {
            name: container.name,
            code: 128,
            status: "Failed",
            additionalInformation: `StartError: ${error.message}`,
          });
        });
        child.once("exit", (code, signal) => {
          const exitCode = code ?? SIGNAL_EXIT[signal ?? ""] ?? 128;
          ended(index, {
            name: container.name,
            code: exitCode,
            status: exitCode === 0 ? "Succeeded" : "Failed",
            additionalInformation:
              exitCode === 0 ? "Completed" : signal ? `Terminated by ${signal}` : "Error",
          });
        });
      }
      save();
      if (ending === undefined && running.stopReason !== undefined) terminate("stopped");
    });
  }

  #finish(
    jobId: string,
    execution: ExecutionRecord,
    status: ExecutionStatus,
    why?: { reason: string; message: string },
  ): void {
    execution.properties.status = status;
    execution.properties.endTime = new Date().toISOString();
    if (why !== undefined) {
      execution.properties.reason = why.reason;
      execution.properties.message = why.message;
    }
    this.#save(jobId, execution);
  }

  #save(jobId: string, execution: ExecutionRecord): void {
    if (!this.#forgotten.has(execution.id.toLowerCase())) this.#store.putExecution(jobId, execution);
  }
}

/** `/subscriptions/…/jobs/{job}` of `/subscriptions/…/jobs/{job}/executions/{name}`. */
function jobIdOf(executionId: string): string {
  return executionId.split("/").slice(0, -2).join("/");
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

function randomName(length: number): string {
  return [...randomBytes(length)].map((byte) => ALPHABET[byte % ALPHABET.length]).join("");
}

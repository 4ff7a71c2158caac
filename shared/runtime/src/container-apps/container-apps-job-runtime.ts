// The Azure agent runtime: each agent is one execution of a manual Container Apps job, started through
// @azure/arm-appcontainers. A start's template replaces the job's whole template ("the job's entire template
// configuration is replaced", learn.microsoft.com/azure/container-apps/jobs), so start copies the job's one
// container (image, resources, args and every env entry, secretRef ones included) and adds the agent's
// environment to it. The agent's name rides in that environment (HAYMAKER_AGENT_NAME), which is how a
// repeated start or find() recognises the agent's execution: Azure names executions itself.
// An execution echoes its template to anyone who may read the job, so start refuses an environment that
// holds a secret; secrets reach agents as the job's own secrets (secretRef) or through its managed identity.
import {
  ContainerAppsAPIClient,
  type JobExecution,
  type JobExecutionContainer,
} from "@azure/arm-appcontainers";
import type { TokenCredential } from "@azure/core-auth";
import { RestError } from "@azure/core-rest-pipeline";
import { ARM_RETRY_OPTIONS, isSandboxEndpoint } from "@haymaker/cloud-control";
import { isSensitiveField, looksLikeSecret, SecretRefSchema } from "@haymaker/contracts";
import { sandboxArmClientOptions, useSandboxAuthentication } from "@haymaker/sandbox-cloud";
import * as v from "valibot";
import { AgentNotFoundError, type AgentRuntime, type AgentSpec, type AgentStatus } from "../agent-runtime.ts";
import { type AgentJob, parseAgentJobId } from "./agent-job-id.ts";

/** The variable that carries the agent's name in its execution's environment. */
export const AGENT_NAME_VARIABLE = "HAYMAKER_AGENT_NAME";
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface ContainerAppsJobRuntimeOptions {
  /** The ARM id of the manual job agents run as (…/providers/Microsoft.App/jobs/{job}). */
  jobId: string;
  credential: TokenCredential;
  /** https://management.azure.com when left out; the sandbox cloud's URL locally. */
  armEndpoint?: string;
  /** How often start and stop poll their long-running operations; the SDK's default when left out. */
  pollIntervalMs?: number;
}

export class ContainerAppsJobRuntime implements AgentRuntime {
  readonly #job: AgentJob;
  readonly #client: ContainerAppsAPIClient;
  readonly #poll: { updateIntervalInMs?: number };

  constructor(options: ContainerAppsJobRuntimeOptions) {
    this.#job = parseAgentJobId(options.jobId);
    const endpoint = options.armEndpoint ?? "https://management.azure.com";
    // The SDK's pipeline keeps its retry policies, which honour 429 and Retry-After, with as many retries
    // as HayMaker's other ARM clients: every phase signs in as the same identity, and ARM throttles per identity.
    const client = new ContainerAppsAPIClient(options.credential, this.#job.subscriptionId, {
      ...(isSandboxEndpoint(endpoint) ? sandboxArmClientOptions(endpoint) : { endpoint }),
      retryOptions: ARM_RETRY_OPTIONS,
    });
    this.#client = isSandboxEndpoint(endpoint)
      ? useSandboxAuthentication(client, options.credential)
      : client;
    this.#poll = options.pollIntervalMs === undefined ? {} : { updateIntervalInMs: options.pollIntervalMs };
  }

  async start(spec: AgentSpec): Promise<string> {
    if (!NAME.test(spec.name)) {
      throw new Error(
        `agent name "${spec.name.slice(0, 80)}" must be 1-63 lowercase letters, digits or hyphens`,
      );
    }
    const exposed = Object.entries(spec.env)
      // A reference to a secret (a Key Vault secret id) under a secret's name is a pointer, not the secret.
      .filter(
        ([name, value]) =>
          (isSensitiveField(name) && !v.is(SecretRefSchema, value)) || looksLikeSecret(value),
      )
      .map(([name]) => name);
    if (exposed.length > 0) {
      throw new Error(
        `the agent's environment would show ${exposed.join(", ")} to anyone who may read job ${this.#job.name}, since an execution echoes its template: pass secrets as the job's secrets (secretRef) or let the agent read them with the job's managed identity`,
      );
    }
    const existing = await this.find(spec.name);
    if (existing !== undefined) return existing;

    const container = await this.#jobContainer();
    const env = new Map((container.env ?? []).map((entry) => [entry.name ?? "", { ...entry }]));
    for (const [name, value] of Object.entries({ ...spec.env, [AGENT_NAME_VARIABLE]: spec.name })) {
      env.set(name, { name, value });
    }
    const started = await this.#call(`Starting an execution of job ${this.#job.name}`, () =>
      this.#client.jobs.start(this.#job.resourceGroup, this.#job.name, {
        template: { containers: [{ ...container, env: [...env.values()] }] },
        ...this.#poll,
      }),
    );
    const ours = started.id ?? `${this.#job.id}/executions/${started.name}`;
    // Two starts racing for one agent both start an execution; every racer keeps the earliest and stops
    // its own if it is not that one, so the agent runs once (the loser only for the moment it takes).
    const first = await this.find(spec.name);
    if (first !== undefined && first.toLowerCase() !== ours.toLowerCase()) {
      await this.stop(ours);
      return first;
    }
    return ours;
  }

  async find(name: string): Promise<string | undefined> {
    if (!NAME.test(name)) return undefined;
    const mine: JobExecution[] = [];
    await this.#call(`Listing the executions of job ${this.#job.name}`, async () => {
      for await (const execution of this.#client.jobsExecutions.list(
        this.#job.resourceGroup,
        this.#job.name,
      )) {
        const variables = execution.template?.containers?.flatMap((c) => c.env ?? []) ?? [];
        if (variables.some((v) => v.name === AGENT_NAME_VARIABLE && v.value === name)) mine.push(execution);
      }
    });
    mine.sort(
      (a, b) =>
        // An execution not started yet sorts last: two racing starts must agree on which one is first.
        (a.startTime?.getTime() ?? Number.MAX_SAFE_INTEGER) -
          (b.startTime?.getTime() ?? Number.MAX_SAFE_INTEGER) || (a.name ?? "").localeCompare(b.name ?? ""),
    );
    const first = mine[0];
    return first === undefined ? undefined : (first.id ?? `${this.#job.id}/executions/${first.name}`);
  }

  async status(ref: string): Promise<AgentStatus> {
    const execution = await this.#execution(ref);
    const containers = execution.detailedStatus?.replicas?.at(-1)?.containers ?? [];
    const container = containers[0];
    const ended = execution.endTime !== undefined;
    const state = stateOf(execution.status, ended);
    const detail = [execution.reason, execution.message, container?.additionalInformation]
      .filter((part): part is string => typeof part === "string" && part !== "" && part !== "Completed")
      .join(": ");
    return {
      state,
      ...(container?.code === undefined || state === "running" ? {} : { exitCode: container.code }),
      ...(execution.startTime ? { startedAt: execution.startTime.toISOString() } : {}),
      ...(execution.endTime ? { finishedAt: execution.endTime.toISOString() } : {}),
      ...(state === "succeeded" || detail === "" ? {} : { detail }),
    };
  }

  async stop(ref: string): Promise<void> {
    const { state } = await this.status(ref);
    if (state !== "running") return;
    const name = this.#executionName(ref);
    await this.#call(`Stopping execution ${name} of job ${this.#job.name}`, () =>
      this.#client.jobs.stopExecution(this.#job.resourceGroup, this.#job.name, name, this.#poll),
    );
  }

  async check(): Promise<void> {
    await this.#jobContainer();
  }

  /** The job's one container, as a start must send it again. */
  async #jobContainer(): Promise<JobExecutionContainer> {
    const job = await this.#call(`Reading job ${this.#job.id}`, () =>
      this.#client.jobs.get(this.#job.resourceGroup, this.#job.name),
    );
    const containers = job.template?.containers ?? [];
    const container = containers[0];
    if ((job.template?.initContainers ?? []).length > 0) {
      throw new Error(
        `job ${this.#job.id} has init containers, which a start cannot carry (its template replaces the job's and holds the agent's container only): remove them from the job`,
      );
    }
    if (containers.length !== 1 || !container?.image) {
      throw new Error(
        `job ${this.#job.id} must have exactly one container with an image (it has ${containers.length}): agents run as that container`,
      );
    }
    // Every field a start can carry, copied whole: what it leaves out, the execution does not get.
    return {
      name: container.name,
      image: container.image,
      ...(container.command ? { command: [...container.command] } : {}),
      ...(container.args ? { args: [...container.args] } : {}),
      env: (container.env ?? []).map((entry) => ({ ...entry })),
      ...(container.resources
        ? { resources: { cpu: container.resources.cpu, memory: container.resources.memory } }
        : {}),
    };
  }

  async #execution(ref: string): Promise<JobExecution> {
    const name = this.#executionName(ref);
    try {
      return await this.#client.jobExecution(this.#job.resourceGroup, this.#job.name, name);
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) {
        throw new AgentNotFoundError(`job ${this.#job.name} has no execution ${name}`);
      }
      throw describe(`Reading execution ${name} of job ${this.#job.name}`, error);
    }
  }

  /** The execution's name, from a reference to an execution of this runtime's job. */
  #executionName(ref: string): string {
    const prefix = `${this.#job.id}/executions/`.toLowerCase();
    const name = ref.toLowerCase().startsWith(prefix) ? ref.slice(prefix.length) : "";
    if (/^[A-Za-z0-9][A-Za-z0-9-]{0,99}$/.test(name)) return name;
    throw new AgentNotFoundError(
      ref.startsWith("local:")
        ? `"${ref.slice(0, 80)}" is a local agent's reference, but agents run as executions of Container Apps job ${this.#job.name} here (HAYMAKER_AGENT_JOB_ID is set): it was started by the local runtime`
        : `"${ref.slice(0, 200)}" is not an execution of job ${this.#job.id}`,
    );
  }

  async #call<T>(what: string, call: () => PromiseLike<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw describe(what, error);
    }
  }
}

function stateOf(status: string | undefined, ended: boolean): AgentStatus["state"] {
  switch (status) {
    case "Succeeded":
      return "succeeded";
    case "Failed":
      return "failed";
    case "Stopped":
      return "stopped";
    case "Running":
    case "Processing":
      return "running";
    default:
      // Degraded, Unknown or a state this SDK does not know: over once the execution has an end time.
      return ended ? "failed" : "running";
  }
}

/** What failed and why, in ARM's words, without the SDK's stack or request. */
function describe(what: string, error: unknown): Error {
  if (error instanceof RestError) {
    const code = (error.details as { error?: { code?: string } } | undefined)?.error?.code ?? error.code;
    const hint =
      error.statusCode === 403
        ? " (the credential needs Microsoft.App/jobs read, start/action, executions/read, execution/read and stop/execution/action on the job, as Container Apps Jobs Operator grants)"
        : error.statusCode === 404
          ? " (check HAYMAKER_AGENT_JOB_ID)"
          : "";
    return new Error(
      `${what} failed: ${error.statusCode ?? ""} ${code ?? ""} ${error.message}${hint}`.trim(),
      {
        cause: error,
      },
    );
  }
  return error instanceof Error
    ? new Error(`${what} failed: ${error.message}`, { cause: error })
    : new Error(`${what} failed`);
}

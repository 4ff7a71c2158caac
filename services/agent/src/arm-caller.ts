// Performs one rendered scenario step against ARM through the SDK client: by-id calls for put, patch, get and
// delete, listByResourceGroup for a top-level list, and the client's own pipeline (its auth and retry
// policies) for resource actions and nested lists, which the generic client has no call for.
// The SDK's policies already retry throttling (429) and server errors (5xx); a 409 (another operation in
// progress on the resource, common right after a create) gets a few more tries here. So does a refused
// sign-in or a 401/403 while the propagation window is open: the agent starts moments after its identity,
// secret and role were created, and Entra and Azure RBAC take a while to see them everywhere.
import type { GenericResource, ResourceManagementClient } from "@azure/arm-resources";
import {
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineRequest,
  type HttpClient,
  type HttpMethods,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import type { JsonObject, RenderedArmStep } from "@haymaker/contracts";
import {
  type ArmOutcome,
  codeFromBody,
  failureFrom,
  interrupted,
  isAccessDenied,
  safeCode,
} from "./arm-outcome.ts";
import { sleep } from "./clock.ts";

export interface ArmCallerOptions {
  client: ResourceManagementClient;
  /** The ARM origin the client is pointed at; polls and next links are followed only there. */
  armEndpoint: string;
  resourceGroup: string;
  /** Plain http (the sandbox cloud on loopback). */
  allowInsecureConnection: boolean;
  /** One retry of a 409 per entry, after that many milliseconds. */
  conflictRetryDelaysMs?: readonly number[];
  /** Between polls of a long-running operation when ARM suggests no interval; undefined: the SDK default. */
  pollIntervalMs?: number;
  /** The longest the agent waits for a resource action's long-running operation. */
  maxPollMs?: number;
  /**
   * Epoch ms until which a 401 or 403 (a refused sign-in included) is taken for an identity not yet
   * propagated and retried; after it, access is denied. Undefined: never retried.
   */
  propagationEndsAt?: number;
}

const DEFAULT_CONFLICT_DELAYS_MS = [2_000, 5_000, 10_000, 20_000];
const DEFAULT_ACTION_POLL_MS = 5_000;
const DEFAULT_MAX_POLL_MS = 30 * 60_000;
const MAX_RETRY_AFTER_MS = 60_000;
const MAX_LIST_PAGES = 50;
const FIRST_PROPAGATION_DELAY_MS = 1_000;
const MAX_PROPAGATION_DELAY_MS = 15_000;

export class ArmCaller {
  readonly #client: ResourceManagementClient;
  readonly #endpoint: string;
  readonly #resourceGroup: string;
  readonly #insecure: boolean;
  readonly #conflictDelays: readonly number[];
  readonly #pollIntervalMs: number | undefined;
  readonly #maxPollMs: number;
  readonly #propagationEndsAt: number;
  readonly #http: HttpClient = createDefaultHttpClient();

  constructor(options: ArmCallerOptions) {
    this.#client = options.client;
    this.#endpoint = options.armEndpoint;
    this.#resourceGroup = options.resourceGroup;
    this.#insecure = options.allowInsecureConnection;
    this.#conflictDelays = options.conflictRetryDelaysMs ?? DEFAULT_CONFLICT_DELAYS_MS;
    this.#pollIntervalMs = options.pollIntervalMs;
    this.#maxPollMs = options.maxPollMs ?? DEFAULT_MAX_POLL_MS;
    this.#propagationEndsAt = options.propagationEndsAt ?? 0;
  }

  /** Performs the step. `signal` abandons it (the request, a poll or a retry wait) when it fires. */
  async call(step: RenderedArmStep, body: JsonObject | undefined, signal?: AbortSignal): Promise<ArmOutcome> {
    let conflicts = 0;
    let propagationDelay = FIRST_PROPAGATION_DELAY_MS;
    for (let attempt = 1; ; attempt++) {
      const outcome = { ...judge(step, await this.#attempt(step, body, signal)), attempts: attempt };
      if (outcome.ok) return outcome;
      let delay: number | undefined;
      if (outcome.status === 409) delay = this.#conflictDelays[conflicts++];
      else if (isAccessDenied(outcome.status)) {
        const left = this.#propagationEndsAt - Date.now();
        if (left > 0) delay = Math.min(propagationDelay, left);
        propagationDelay = Math.min(propagationDelay * 2, MAX_PROPAGATION_DELAY_MS);
      }
      if (delay === undefined) return outcome;
      if (!(await sleep(delay, signal))) return interrupted();
    }
  }

  async #attempt(
    step: RenderedArmStep,
    body: JsonObject | undefined,
    signal?: AbortSignal,
  ): Promise<ArmOutcome> {
    // The by-id calls expand "/{+resourceId}", so an id without its leading slash makes a clean path.
    const id = step.path.replace(/^\/+/, "");
    let first: number | undefined;
    const options = {
      abortSignal: signal,
      updateIntervalInMs: this.#pollIntervalMs,
      onResponse: (response: { status: number }) => {
        first ??= response.status;
      },
    };
    const resources = this.#client.resources;
    try {
      switch (step.action) {
        case "put":
          await resources.beginCreateOrUpdateByIdAndWait(id, step.apiVersion, asResource(body), options);
          return { ok: true, status: first ?? 200 };
        case "patch":
          await resources.beginUpdateByIdAndWait(id, step.apiVersion, asResource(body), options);
          return { ok: true, status: first ?? 200 };
        case "get":
          await resources.getById(id, step.apiVersion, options);
          return { ok: true, status: first ?? 200 };
        case "delete":
          await resources.beginDeleteByIdAndWait(id, step.apiVersion, options);
          return { ok: true, status: first ?? 200 };
        case "list":
          return step.resourceName === undefined
            ? await this.#listTopLevel(step.type, signal)
            : await this.#listNested(step, signal);
        case "post":
          return await this.#post(step, body, signal);
      }
    } catch (error) {
      return failureFrom(error, signal);
    }
  }

  async #listTopLevel(type: string, signal?: AbortSignal): Promise<ArmOutcome> {
    let items = 0;
    const filter = `resourceType eq '${type.replaceAll("'", "''")}'`;
    for await (const _ of this.#client.resources.listByResourceGroup(this.#resourceGroup, {
      filter,
      abortSignal: signal,
    })) {
      items++;
    }
    return { ok: true, status: 200, items };
  }

  async #listNested(step: RenderedArmStep, signal?: AbortSignal): Promise<ArmOutcome> {
    let url: string | undefined = this.#url(step);
    let items = 0;
    let status = 200;
    for (let page = 0; url !== undefined && page < MAX_LIST_PAGES; page++) {
      const response = await this.#send("GET", url, undefined, signal);
      if (page === 0) status = response.status;
      if (response.status !== 200) return httpFailure(response);
      const body = parseJson(response.bodyAsText) as { value?: unknown; nextLink?: unknown } | undefined;
      items += Array.isArray(body?.value) ? body.value.length : 0;
      url = typeof body?.nextLink === "string" && this.#ours(body.nextLink) ? body.nextLink : undefined;
    }
    return { ok: true, status, items };
  }

  async #post(
    step: RenderedArmStep,
    body: JsonObject | undefined,
    signal?: AbortSignal,
  ): Promise<ArmOutcome> {
    const response = await this.#send("POST", this.#url(step), body, signal);
    if (response.status >= 300) return httpFailure(response);
    const settled = await this.#awaitOperation(response, signal);
    return settled ?? { ok: true, status: response.status };
  }

  /**
   * Follows a resource action's long-running operation (VM start and deallocate take minutes), so the next
   * step does not collide with it. Returns undefined once it succeeded, or the failure.
   */
  async #awaitOperation(accepted: PipelineResponse, signal?: AbortSignal): Promise<ArmOutcome | undefined> {
    if (accepted.status !== 201 && accepted.status !== 202) return undefined;
    const asyncUrl = accepted.headers.get("azure-asyncoperation");
    const location = accepted.headers.get("location");
    const url =
      asyncUrl && this.#ours(asyncUrl) ? asyncUrl : location && this.#ours(location) ? location : undefined;
    if (url === undefined) return undefined;
    const giveUpAt = Date.now() + this.#maxPollMs;
    let last = accepted;
    while (Date.now() < giveUpAt) {
      if (!(await sleep(this.#pollDelay(last), signal))) return interrupted();
      last = await this.#send("GET", url, undefined, signal);
      if (last.status >= 400) return httpFailure(last);
      if (url === asyncUrl) {
        const state = (parseJson(last.bodyAsText) as { status?: unknown; error?: { code?: unknown } })
          ?.status;
        if (state === "Succeeded") return undefined;
        if (state === "Failed" || state === "Canceled") {
          const error = (parseJson(last.bodyAsText) as { error?: { code?: unknown } })?.error;
          return {
            ok: false,
            status: last.status,
            code: safeCode(error?.code, `Operation${state}`),
            interrupted: false,
          };
        }
      } else if (last.status !== 202) {
        return undefined;
      }
    }
    return { ok: false, status: undefined, code: "OperationTimedOut", interrupted: false };
  }

  #pollDelay(response: PipelineResponse): number {
    const seconds = Number(response.headers.get("retry-after"));
    if (Number.isFinite(seconds) && seconds > 0) return Math.min(seconds * 1000, MAX_RETRY_AFTER_MS);
    return this.#pollIntervalMs ?? DEFAULT_ACTION_POLL_MS;
  }

  #url(step: RenderedArmStep): string {
    return `${this.#endpoint}${step.path}?api-version=${encodeURIComponent(step.apiVersion)}`;
  }

  /** Only ever send the agent's token back to the ARM endpoint it was given. */
  #ours(url: string): boolean {
    try {
      return new URL(url).origin === this.#endpoint;
    } catch {
      return false;
    }
  }

  #send(method: HttpMethods, url: string, body: JsonObject | undefined, signal?: AbortSignal) {
    const headers = createHttpHeaders({ accept: "application/json" });
    if (body !== undefined) headers.set("content-type", "application/json");
    const request = createPipelineRequest({
      url,
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      abortSignal: signal,
      allowInsecureConnection: this.#insecure,
    });
    return this.#client.pipeline.sendRequest(this.#http, request);
  }
}

/** Applies the step's expected statuses, and "404 on delete = already gone". */
function judge(step: RenderedArmStep, outcome: ArmOutcome): ArmOutcome {
  const expected = step.expectStatus;
  if (outcome.ok) {
    if (expected === undefined || expected.includes(outcome.status)) return outcome;
    return { ok: false, status: outcome.status, code: "UnexpectedStatus", interrupted: false };
  }
  if (outcome.interrupted || outcome.status === undefined) return outcome;
  if (expected?.includes(outcome.status)) return { ok: true, status: outcome.status };
  if (step.action === "delete" && outcome.status === 404) return { ok: true, status: 404, alreadyGone: true };
  return outcome;
}

function httpFailure(response: PipelineResponse): ArmOutcome {
  return {
    ok: false,
    status: response.status,
    code: codeFromBody(response.bodyAsText ?? undefined, response.status),
    interrupted: false,
  };
}

function parseJson(text: string | null | undefined): unknown {
  try {
    return JSON.parse(text ?? "");
  } catch {
    return undefined;
  }
}

function asResource(body: JsonObject | undefined): GenericResource {
  return (body ?? {}) as GenericResource;
}

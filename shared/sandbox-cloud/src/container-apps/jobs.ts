// Microsoft.App/jobs through ARM (api-version 2026-07-01, what @azure/arm-appcontainers 4.0.0 sends):
//   PUT/GET/DELETE …/jobs/{job}            the job (a PUT is checked as Container Apps checks it)
//   POST …/jobs/{job}/start                 body = JobExecutionTemplate (replaces the template) → { name, id }
//   POST …/jobs/{job}/listSecrets           the job's secrets with their values
//   POST …/jobs/{job}/stop                  stops every running execution
//   GET  …/jobs/{job}/executions            newest first, paged with nextLink
//   GET  …/jobs/{job}/executions/{name}     one execution
//   POST …/jobs/{job}/executions/{name}/stop
// Authorization happened at the front door under the action names of operations.ts.
import type { ArmDeps } from "../arm/arm-deps.ts";
import type { CreateContext } from "../arm/create-responses.ts";
import { resourceIdOf } from "../arm/path.ts";
import { handleResource } from "../arm/resources.ts";
import { type ArmResult, armError } from "../arm/result.ts";
import type { ArmRequest } from "../arm/route.ts";
import { findUserAssignedIdentity } from "../managed-identity/user-assigned-identities.ts";
import { isObject, parseContainers } from "./containers.ts";
import { parseJob } from "./job-definition.ts";
import { EXECUTION_READ } from "./operations.ts";
import { readablePage } from "./readable-page.ts";

export const JOB_TYPE = "Microsoft.App/jobs";
const MANAGED_ENVIRONMENT_TYPE = "microsoft.app/managedenvironments";
/** Executions per page of the list; small enough that paging is exercised. */
export const EXECUTIONS_PAGE_SIZE = 20;
// As `az containerapp job` documents a job's name: lower-case letters, digits or '-', starting with a letter,
// ending with a letter or digit, no '--', fewer than 32 characters.
const JOB_NAME = /^(?!.*--)[a-z][a-z0-9-]{0,30}(?<!-)$/;

type JobTarget = Extract<ArmRequest["target"], { kind: "resource" | "childResources" }>;

export function isJobTarget(target: ArmRequest["target"]): target is JobTarget {
  return (
    (target.kind === "resource" || target.kind === "childResources") &&
    target.namespace.toLowerCase() === "microsoft.app" &&
    target.chain[0]?.[0].toLowerCase() === "jobs"
  );
}

export function handleJobRequest(deps: ArmDeps, req: ArmRequest, create: CreateContext): ArmResult {
  const target = req.target as JobTarget;
  const { method, intended } = req;
  const jobName = target.chain[0]?.[1] ?? "";
  const jobId = resourceIdOf(target.subscriptionId, target.group, target.namespace, target.chain.slice(0, 1));
  const fail = (status: number, code: string, message: string) =>
    armError(status, code, message, intended.name, intended.scope);
  const ok = (status: number, body?: unknown): ArmResult => ({
    status,
    ...(body === undefined ? {} : { body }),
    operationName: intended.name,
    resourceId: intended.scope,
  });
  const { store, runner } = deps.containerApps;
  const job = deps.resources.get(jobId);
  const definition = store.definition(jobId);
  const jobNotFound = () =>
    fail(
      404,
      "ResourceNotFound",
      `The Resource '${JOB_TYPE}/${jobName}' under resource group '${target.group}' was not found.`,
    );

  if (target.kind === "childResources") {
    if (target.chain.length !== 1 || target.childType.toLowerCase() !== "executions") {
      return fail(404, "InvalidResourceType", `The sandbox cloud does not serve '${req.url.pathname}'.`);
    }
    if (method !== "GET") return fail(405, "MethodNotAllowed", `${method} is not supported here.`);
    if (job === undefined) return jobNotFound();
    return listExecutions(deps, req, jobId, ok, fail);
  }

  if (target.chain.length === 2 && target.chain[1]?.[0].toLowerCase() === "executions") {
    const executionId = `${jobId}/executions/${target.chain[1][1]}`;
    const execution = store.execution(executionId);
    if (job === undefined) return jobNotFound();
    if (execution === undefined) {
      return fail(
        404,
        "ResourceNotFound",
        `The job execution '${target.chain[1][1]}' of job '${jobName}' was not found.`,
      );
    }
    if (target.action === undefined && method === "GET") return ok(200, execution);
    if (target.action?.toLowerCase() === "stop" && method === "POST") {
      runner.stop(executionId);
      return ok(200);
    }
    return fail(405, "MethodNotAllowed", `${method} is not supported on a job execution.`);
  }
  if (target.chain.length !== 1) {
    return fail(404, "InvalidResourceType", `The sandbox cloud does not serve '${req.url.pathname}'.`);
  }

  const request = {
    method,
    ...target,
    body: req.body,
    baseUrl: create.baseUrl,
    newOperationId: create.newOperationId,
  };
  if (target.action === undefined) {
    if (method === "PATCH") {
      return fail(
        405,
        "MethodNotAllowed",
        "The sandbox cloud takes a whole job by PUT; it does not patch jobs.",
      );
    }
    if (method !== "PUT") return handleResource(deps.resources, request);
    if (!JOB_NAME.test(jobName)) {
      return fail(
        400,
        "InvalidResourceName",
        `The job name '${jobName}' is invalid: use lower-case letters, digits or '-', start with a letter, end with a letter or digit, no '--', fewer than 32 characters.`,
      );
    }
    const parsed = parseJob(req.body, {
      identity: (id) => findUserAssignedIdentity(deps, id),
      environmentExists: (id) => deps.resources.get(id)?.type.toLowerCase() === MANAGED_ENVIRONMENT_TYPE,
    });
    if ("code" in parsed) return fail(400, parsed.code, parsed.message);
    const result = handleResource(deps.resources, { ...request, body: parsed.body });
    if (result.status < 300) store.putDefinition(jobId, parsed.definition);
    return result;
  }

  if (method !== "POST")
    return fail(405, "MethodNotAllowed", `${method} is not supported on '${target.action}'.`);
  if (job === undefined || definition === undefined) return jobNotFound();
  switch (target.action.toLowerCase()) {
    case "start": {
      let containers = definition.containers;
      // The template of a start replaces the job's whole template; without one the job's own runs.
      if (
        isObject(req.body) &&
        (req.body.containers !== undefined || req.body.initContainers !== undefined)
      ) {
        if (Array.isArray(req.body.initContainers) && req.body.initContainers.length > 0) {
          return fail(
            400,
            "InvalidRequestContent",
            "The sandbox cloud does not run init containers; leave initContainers out.",
          );
        }
        const parsed = parseContainers(
          req.body.containers,
          new Set(definition.secrets.map((s) => s.name)),
          "template",
        );
        if (!Array.isArray(parsed)) return fail(400, parsed.code, parsed.message);
        containers = parsed;
      }
      const execution = runner.start(job.id, definition, containers);
      return ok(200, { name: execution.name, id: execution.id });
    }
    case "listsecrets":
      return ok(200, { value: definition.secrets });
    case "stop": {
      const stopped = store
        .executions(jobId, 0, Number.MAX_SAFE_INTEGER)
        .filter((execution) => runner.stop(execution.id));
      return ok(200, { value: stopped });
    }
    default:
      return fail(
        400,
        "InvalidRequestUri",
        `The sandbox cloud does not serve the job action '${target.action}'.`,
      );
  }
}

function listExecutions(
  deps: ArmDeps,
  req: ArmRequest,
  jobId: string,
  ok: (status: number, body?: unknown) => ArmResult,
  fail: (status: number, code: string, message: string) => ArmResult,
): ArmResult {
  if (req.url.searchParams.has("$filter")) {
    // Azure documents no grammar for it (notes: open item); refusing keeps a caller from relying on a guess.
    return fail(
      400,
      "InvalidRequestContent",
      "The sandbox cloud does not filter job executions: list them all and filter the results.",
    );
  }
  const token = req.url.searchParams.get("$skipToken") ?? "0";
  if (!/^\d+$/.test(token)) return fail(400, "InvalidRequestContent", "The $skipToken is not valid.");
  const offset = Number(token);
  // The $skipToken counts what this caller may read, not records: a page never ends the list early.
  const { value, more } = readablePage(
    deps.containerApps.store.executions(jobId, 0, Number.MAX_SAFE_INTEGER),
    (execution) =>
      req.visibility === "all" || deps.authorizer.allows(req.caller, EXECUTION_READ, execution.id),
    offset,
    EXECUTIONS_PAGE_SIZE,
  );
  let nextLink: string | undefined;
  if (more) {
    const link = new URL(`${req.url.pathname}${req.url.search}`, deps.baseUrl());
    link.searchParams.set("$skipToken", String(offset + EXECUTIONS_PAGE_SIZE));
    nextLink = link.toString().replaceAll("%24", "$");
  }
  return ok(200, { value, ...(nextLink === undefined ? {} : { nextLink }) });
}

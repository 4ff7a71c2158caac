// Where agents run, chosen from the environment for every service that starts, watches or stops them
// (validate, deploy, monitor, force-cleanup), so they all agree:
// - HAYMAKER_AGENT_JOB_ID set: executions of that manual Container Apps job (ContainerAppsJobRuntime),
//   signed in as HayMaker's own identity (azureCredentialFromEnv: HAYMAKER_TENANT_ID, HAYMAKER_ARM_ENDPOINT,
//   HAYMAKER_CLIENT_ID/SECRET or the managed identity);
// - unset: local supervised processes (processRuntimeFromEnv: HAYMAKER_DATA_DIR, HAYMAKER_AGENT_COMMAND/ARGS,
//   HAYMAKER_AGENT_GRACE).
import { azureCredentialFromEnv } from "@haymaker/cloud-control";
import { parseEnv, readConfigParts } from "@haymaker/config";
import * as v from "valibot";
import type { AgentRuntime } from "./agent-runtime.ts";
import { AGENT_JOB_ID_FORMAT, isAgentJobId } from "./container-apps/agent-job-id.ts";
import { ContainerAppsJobRuntime } from "./container-apps/container-apps-job-runtime.ts";
import { processRuntimeFromEnv } from "./process/from-env.ts";

const JobEnv = v.object({
  HAYMAKER_AGENT_JOB_ID: v.optional(v.pipe(v.string(), v.check(isAgentJobId, AGENT_JOB_ID_FORMAT))),
});

export function agentRuntimeFromEnv(env: Record<string, string | undefined>, service: string): AgentRuntime {
  if (env.HAYMAKER_AGENT_JOB_ID === undefined) return processRuntimeFromEnv(env, service);
  const { job, signIn } = readConfigParts(service, {
    job: () => parseEnv(service, JobEnv, env),
    signIn: () => azureCredentialFromEnv(env, service),
  });
  return new ContainerAppsJobRuntime({
    jobId: job.HAYMAKER_AGENT_JOB_ID as string,
    credential: signIn.credential,
    armEndpoint: signIn.armEndpoint,
    // The sandbox finishes a start or a stop at once; Azure's own Retry-After pacing applies otherwise.
    ...(signIn.sandbox ? { pollIntervalMs: 0 } : {}),
  });
}

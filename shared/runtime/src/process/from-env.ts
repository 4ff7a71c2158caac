// The local runtime's settings, shared by every service that starts, watches or stops agents (validate,
// deploy, monitor, force-cleanup): they must agree on where agent state lives and how long a stop waits.
import { fileURLToPath } from "node:url";
import { parseEnv } from "@haymaker/config";
import { parseIsoDuration } from "@haymaker/contracts";
import * as v from "valibot";
import { ProcessRuntime } from "./process-runtime.ts";

/** The reference agent, run with the same Node as the service (services/agent in this repository). */
export const REFERENCE_AGENT = fileURLToPath(
  new URL("../../../../services/agent/bin/haymaker-agent.js", import.meta.url),
);

const NonEmpty = v.pipe(v.string(), v.minLength(1, "must not be empty"));

const RuntimeEnv = v.object({
  HAYMAKER_DATA_DIR: v.optional(NonEmpty, ".haymaker"),
  HAYMAKER_AGENT_COMMAND: v.optional(NonEmpty),
  HAYMAKER_AGENT_ARGS: v.optional(
    v.pipe(
      v.string(),
      v.parseJson(undefined, 'must be a JSON array of strings, e.g. ["agent.js"]'),
      v.array(v.string(), 'must be a JSON array of strings, e.g. ["agent.js"]'),
    ),
  ),
  HAYMAKER_AGENT_GRACE: v.optional(
    v.pipe(
      v.string(),
      v.check((text) => (parseIsoDuration(text) ?? -1) >= 0, "must be an ISO 8601 duration such as PT2M"),
      v.transform((text) => parseIsoDuration(text) as number),
    ),
    "PT2M",
  ),
});

/** How long a stopped agent has to clean up before it is killed; monitor waits this long too. */
export function agentGraceFromEnv(env: Record<string, string | undefined>, service: string): number {
  return parseEnv(service, RuntimeEnv, env).HAYMAKER_AGENT_GRACE;
}

export function processRuntimeFromEnv(
  env: Record<string, string | undefined>,
  service: string,
): ProcessRuntime {
  const parsed = parseEnv(service, RuntimeEnv, env);
  const command = parsed.HAYMAKER_AGENT_COMMAND ?? process.execPath;
  const args =
    parsed.HAYMAKER_AGENT_ARGS ?? (parsed.HAYMAKER_AGENT_COMMAND === undefined ? [REFERENCE_AGENT] : []);
  return new ProcessRuntime({
    directory: `${parsed.HAYMAKER_DATA_DIR}/agents`,
    command,
    args,
    graceMs: parsed.HAYMAKER_AGENT_GRACE,
  });
}

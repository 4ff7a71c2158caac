// Which gateway to call and with which key: flags, then environment, then the running local stack's
// local.json. Profiles (~/.haymaker/config.json) will slot in between environment and local stack.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CliError, EXIT } from "./cli-error.ts";

export interface Endpoint {
  url: string;
  apiKey: string | undefined;
  /** Where the url came from, for error messages. */
  source: "flag" | "environment" | "profile" | "local stack";
}

export interface EndpointFlags {
  endpoint?: string | undefined;
  apiKey?: string | undefined;
}

export function resolveEndpoint(flags: EndpointFlags, env: NodeJS.ProcessEnv): Endpoint {
  const key = flags.apiKey ?? env.HAYMAKER_API_KEY;
  if (flags.endpoint !== undefined) return { url: flags.endpoint, apiKey: key, source: "flag" };
  if (env.HAYMAKER_ENDPOINT) return { url: env.HAYMAKER_ENDPOINT, apiKey: key, source: "environment" };
  const fromProfile = profileEndpoint(env);
  if (fromProfile !== undefined) return { ...fromProfile, apiKey: key ?? fromProfile.apiKey };
  const local = localStackEndpoint(env.HAYMAKER_DATA_DIR || ".haymaker");
  if (local !== undefined) return { ...local, apiKey: key ?? local.apiKey };
  throw new CliError(
    "no gateway to call: pass --endpoint, set HAYMAKER_ENDPOINT, or start the local stack (npm start)",
    EXIT.failure,
  );
}

/** The seam for profiles in ~/.haymaker/config.json; none are read yet. */
function profileEndpoint(_env: NodeJS.ProcessEnv): Endpoint | undefined {
  return undefined;
}

/**
 * The local stack's gateway and admin key. The key is only ever paired with the local url, so a key
 * meant for the laptop is never sent to an endpoint named elsewhere.
 */
function localStackEndpoint(dataDirectory: string): Endpoint | undefined {
  let local: { gateway?: { url?: unknown; apiKeyFile?: unknown } };
  try {
    local = JSON.parse(readFileSync(join(dataDirectory, "local.json"), "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CliError(`cannot read ${join(dataDirectory, "local.json")}: ${(error as Error).message}`, 1);
  }
  const { url, apiKeyFile } = local.gateway ?? {};
  if (typeof url !== "string") {
    throw new CliError(`${join(dataDirectory, "local.json")} names no gateway.url`, EXIT.failure);
  }
  const apiKey = typeof apiKeyFile === "string" ? readKeyFile(apiKeyFile) : undefined;
  return { url, apiKey, source: "local stack" };
}

function readKeyFile(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    throw new CliError(`cannot read the local API key file ${file}: ${(error as Error).message}`, 1);
  }
}

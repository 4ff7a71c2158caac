// Which gateway to call and with which key: flags, then environment, then a profile (named by --profile or
// HAYMAKER_PROFILE, else the current one in the profiles file), then the running local stack's local.json.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CliError, EXIT } from "./cli-error.ts";
import { configPath, profileNamed, readProfiles } from "./profiles.ts";

export interface Endpoint {
  url: string;
  apiKey: string | undefined;
  /** Where the url came from, for error messages: "flag", "environment", "profile prod", "local stack". */
  source: string;
}

export interface EndpointFlags {
  endpoint?: string | undefined;
  apiKey?: string | undefined;
  profile?: string | undefined;
}

export function resolveEndpoint(flags: EndpointFlags, env: NodeJS.ProcessEnv): Endpoint {
  const key = flags.apiKey ?? (env.HAYMAKER_API_KEY || undefined);
  // A profile named but missing is a typo worth stopping for, even when a flag or variable wins.
  const named = flags.profile ?? (env.HAYMAKER_PROFILE || undefined);
  const fromProfile = named === undefined ? undefined : profileEndpoint(env, named);
  if (flags.endpoint !== undefined) return { url: flags.endpoint, apiKey: key, source: "flag" };
  if (env.HAYMAKER_ENDPOINT) return { url: env.HAYMAKER_ENDPOINT, apiKey: key, source: "environment" };
  // A profile's key goes only to that profile's endpoint, never to one named some other way.
  const profile = fromProfile ?? profileEndpoint(env, undefined);
  if (profile !== undefined) return { ...profile, apiKey: key ?? profile.apiKey };
  const local = localStackEndpoint(env.HAYMAKER_DATA_DIR || ".haymaker");
  if (local !== undefined) return { ...local, apiKey: key ?? local.apiKey };
  throw new CliError(
    "no gateway to call: pass --endpoint, set HAYMAKER_ENDPOINT, add a profile (haymaker config set), or start the local stack (npm start)",
    EXIT.failure,
  );
}

/** The named profile (a usage error when there is none so named), else the file's current one, if any. */
function profileEndpoint(env: NodeJS.ProcessEnv, name: string | undefined): Endpoint | undefined {
  const path = configPath(env);
  const file = readProfiles(path);
  const chosen = name ?? file.current;
  if (chosen === undefined) return undefined;
  const profile = profileNamed(file, chosen, path);
  return { url: profile.endpoint, apiKey: profile.apiKey, source: `profile ${chosen}` };
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

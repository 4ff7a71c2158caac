// Which gateway to call and with which key: flags, then environment, then a profile (named by --profile or
// HAYMAKER_PROFILE, else the current one in the profiles file), then the running local stack's local.json.
// A key goes only where the same source, or the user, chose: a profile's key only to that profile's
// endpoint, the local stack's only to its gateway, and a key the user gave never to a gateway a file named.
import { CliError, EXIT } from "./cli-error.ts";
import { localStackEndpoint } from "./local-stack.ts";
import { isPlainHttpElsewhere } from "./loopback.ts";
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

/** The endpoint to call; `warn` gets a line for stderr when its key would cross the network unencrypted. */
export function resolveEndpoint(
  flags: EndpointFlags,
  env: NodeJS.ProcessEnv,
  warn: (line: string) => void = () => {},
): Endpoint {
  const endpoint = chooseEndpoint(flags, env);
  if (endpoint.apiKey && isPlainHttpElsewhere(endpoint.url)) {
    warn(
      `haymaker: warning: the API key goes unencrypted to ${endpoint.url} (from ${endpoint.source}): anyone on the network between can read it; use an https endpoint`,
    );
  }
  return endpoint;
}

function chooseEndpoint(flags: EndpointFlags, env: NodeJS.ProcessEnv): Endpoint {
  const key = flags.apiKey ?? (env.HAYMAKER_API_KEY || undefined);
  // A profile named but missing is a typo worth stopping for, even when a flag or variable wins.
  const named = flags.profile ?? (env.HAYMAKER_PROFILE || undefined);
  const fromProfile = named === undefined ? undefined : profileEndpoint(env, named);
  if (flags.endpoint !== undefined) return { url: flags.endpoint, apiKey: key, source: "flag" };
  if (env.HAYMAKER_ENDPOINT) return { url: env.HAYMAKER_ENDPOINT, apiKey: key, source: "environment" };
  // A profile's key goes only to that profile's endpoint, never to one named some other way.
  const profile = fromProfile ?? profileEndpoint(env, undefined);
  if (profile !== undefined) return { ...profile, apiKey: key ?? profile.apiKey };
  const givenKey =
    flags.apiKey !== undefined ? "--api-key" : key === undefined ? undefined : "HAYMAKER_API_KEY";
  const local = localStackEndpoint(env.HAYMAKER_DATA_DIR || ".haymaker", givenKey);
  if (local !== undefined) return local;
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

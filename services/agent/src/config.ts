// The agent's settings, all from its environment (docs/agent-contract.md lists them). Every bad variable is
// named at once, never with its value: several hold secrets.
import { type BusConnection, busConnectionFromEnv } from "@haymaker/bus";
import { logLevelFromEnv, parseEnv, readConfigParts } from "@haymaker/config";
import {
  AgentIdSchema,
  GuidSchema,
  isoDuration,
  type ParameterValue,
  PropagationWindowSchema,
  parseIsoDuration,
  ResourceGroupNameSchema,
  RunIdSchema,
  ScenarioIdSchema,
  SecretRefSchema,
  TagsSchema,
  TimestampSchema,
} from "@haymaker/contracts";
import * as v from "valibot";

export const SERVICE = "agent";
export const DEFAULT_ARM_ENDPOINT = "https://management.azure.com";
export const DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

export function isLoopbackHttp(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed?.protocol === "http:" && LOOPBACK_HOSTS.has(parsed.hostname);
}

/** An https origin, or plain http on a loopback address (the sandbox cloud): a bearer token goes there. */
const OriginSchema = v.pipe(
  v.string(),
  v.check((text) => {
    const url = parseUrl(text);
    return url !== undefined && url.pathname === "/" && url.search === "" && url.hash === "";
  }, "must be a URL with no path, such as https://management.azure.com"),
  v.check(
    (text) => parseUrl(text)?.protocol === "https:" || isLoopbackHttp(text),
    "must use https (plain http only on a loopback address, for the sandbox cloud)",
  ),
  v.transform((text) => new URL(text).origin),
);

/** A JSON object in a variable, then checked with `schema`. */
function jsonOf<TOutput>(what: string, schema: v.GenericSchema<unknown, TOutput>) {
  return v.pipe(
    v.string(),
    v.rawTransform(({ dataset, addIssue, NEVER }): unknown => {
      try {
        const value = JSON.parse(dataset.value) as unknown;
        if (value !== null && typeof value === "object" && !Array.isArray(value)) return value;
      } catch {
        // Reported below, like any other value that is not an object.
      }
      addIssue({ message: `must be ${what} in JSON` });
      return NEVER;
    }),
    schema,
  );
}

const ParameterValuesSchema = v.record(
  v.string(),
  v.union([v.string(), v.number(), v.boolean()], "expected a string, number or boolean"),
  'must be a JSON object of parameter values, e.g. {"coolAfterDays": 60}',
);

const AgentVariables = v.object({
  HAYMAKER_RUN_ID: RunIdSchema,
  HAYMAKER_AGENT_ID: AgentIdSchema,
  HAYMAKER_SCENARIO_ID: ScenarioIdSchema,
  HAYMAKER_SCENARIOS_DIR: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty")), "scenarios"),
  HAYMAKER_SCENARIO_PARAMETERS: v.optional(jsonOf("an object of parameter values", ParameterValuesSchema)),
  HAYMAKER_SUBSCRIPTION_ID: GuidSchema,
  HAYMAKER_RESOURCE_GROUP: ResourceGroupNameSchema,
  HAYMAKER_LOCATION: v.optional(
    v.pipe(v.string(), v.regex(/^[a-z][a-z0-9]{1,39}$/, 'must be an Azure region name like "westeurope"')),
  ),
  HAYMAKER_DEADLINE: TimestampSchema,
  HAYMAKER_CLEANUP_RESERVE: v.optional(isoDuration("PT0S", "P1D")),
  HAYMAKER_TAGS: v.optional(jsonOf("an object of tag names and values", TagsSchema)),
  AZURE_TENANT_ID: GuidSchema,
  AZURE_CLIENT_ID: GuidSchema,
  AZURE_CLIENT_SECRET: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty"))),
  // In Azure the secret is not in the environment (an execution's template is readable by anyone who may
  // read the job): the agent reads it from Key Vault as the job's managed identity.
  HAYMAKER_AGENT_SECRET_ID: v.optional(
    v.pipe(
      SecretRefSchema,
      v.check((ref) => !ref.startsWith("local:"), "must be a Key Vault secret id, not a local secret name"),
    ),
  ),
  HAYMAKER_MANAGED_IDENTITY_CLIENT_ID: v.optional(GuidSchema),
  HAYMAKER_ARM_ENDPOINT: v.optional(OriginSchema, DEFAULT_ARM_ENDPOINT),
  HAYMAKER_AUTHORITY_HOST: v.optional(OriginSchema),
  HAYMAKER_LOG_LEVEL: v.optional(logLevelFromEnv, "info"),
  HAYMAKER_PROPAGATION_WINDOW: PropagationWindowSchema,
});

// Where the agent's client secret comes from: the environment (a local process, whose environment only its
// parent can read), or Key Vault through the job's managed identity (a Container Apps execution).
const AgentEnv = v.pipe(
  AgentVariables,
  v.forward(
    v.check(
      (env) => (env.AZURE_CLIENT_SECRET === undefined) !== (env.HAYMAKER_AGENT_SECRET_ID === undefined),
      "set AZURE_CLIENT_SECRET, or HAYMAKER_AGENT_SECRET_ID with HAYMAKER_MANAGED_IDENTITY_CLIENT_ID, but not both",
    ),
    ["AZURE_CLIENT_SECRET"],
  ),
  v.forward(
    v.check(
      (env) =>
        (env.HAYMAKER_AGENT_SECRET_ID === undefined) ===
        (env.HAYMAKER_MANAGED_IDENTITY_CLIENT_ID === undefined),
      "set with HAYMAKER_AGENT_SECRET_ID: the client id of the managed identity that may read that secret",
    ),
    ["HAYMAKER_MANAGED_IDENTITY_CLIENT_ID"],
  ),
);

/** The agent's own secret in Key Vault, and the managed identity allowed to read it (Key Vault Secrets User). */
export interface OwnSecretPointer {
  secretId: string;
  managedIdentityClientId: string;
}

export interface AgentConfig {
  runId: string;
  agentId: string;
  scenarioId: string;
  scenariosDirectory: string;
  /** Values the run chose for the scenario's parameters; checked against the scenario when it is loaded. */
  parameterOverrides: Readonly<Record<string, ParameterValue>>;
  subscriptionId: string;
  resourceGroup: string;
  /** The run's region, when it overrides the scenario's. */
  location: string | undefined;
  /** Epoch milliseconds. */
  deadline: number;
  /** Undefined: the default, a share of the time left at start (schedule.ts). */
  cleanupReserveMs: number | undefined;
  runTags: Readonly<Record<string, string>>;
  tenantId: string;
  clientId: string;
  /** Set when the secret came in the environment; otherwise ownSecret says where to read it. */
  clientSecret: string | undefined;
  ownSecret: OwnSecretPointer | undefined;
  armEndpoint: string;
  authorityHost: string;
  /** Plain http on loopback: the sandbox cloud, reached with its own credential and auth policy. */
  sandbox: boolean;
  logLevel: string;
  /** How long after start a refused sign-in or a 401/403 is retried as "not propagated yet". */
  propagationWindowMs: number;
  bus: BusConnection;
}

/** Reads the agent's settings; throws one ConfigError naming every bad variable (env and bus together). */
export function agentConfig(env: Record<string, string | undefined> = process.env): AgentConfig {
  const { parsed, bus } = readConfigParts(SERVICE, {
    parsed: () => parseEnv(SERVICE, AgentEnv, env),
    bus: () => busConnectionFromEnv(env, SERVICE),
  });

  const armEndpoint = parsed.HAYMAKER_ARM_ENDPOINT;
  const sandbox = isLoopbackHttp(armEndpoint);
  // The sandbox cloud serves its token endpoint on the same port as ARM.
  const authorityHost = parsed.HAYMAKER_AUTHORITY_HOST ?? (sandbox ? armEndpoint : DEFAULT_AUTHORITY_HOST);
  const reserve = parsed.HAYMAKER_CLEANUP_RESERVE;
  return {
    runId: parsed.HAYMAKER_RUN_ID,
    agentId: parsed.HAYMAKER_AGENT_ID,
    scenarioId: parsed.HAYMAKER_SCENARIO_ID,
    scenariosDirectory: parsed.HAYMAKER_SCENARIOS_DIR,
    parameterOverrides: parsed.HAYMAKER_SCENARIO_PARAMETERS ?? {},
    subscriptionId: parsed.HAYMAKER_SUBSCRIPTION_ID,
    resourceGroup: parsed.HAYMAKER_RESOURCE_GROUP,
    location: parsed.HAYMAKER_LOCATION,
    deadline: Date.parse(parsed.HAYMAKER_DEADLINE),
    cleanupReserveMs: reserve === undefined ? undefined : parseIsoDuration(reserve),
    runTags: parsed.HAYMAKER_TAGS ?? {},
    tenantId: parsed.AZURE_TENANT_ID,
    clientId: parsed.AZURE_CLIENT_ID,
    clientSecret: parsed.AZURE_CLIENT_SECRET,
    ownSecret:
      parsed.HAYMAKER_AGENT_SECRET_ID === undefined ||
      parsed.HAYMAKER_MANAGED_IDENTITY_CLIENT_ID === undefined
        ? undefined
        : {
            secretId: parsed.HAYMAKER_AGENT_SECRET_ID,
            managedIdentityClientId: parsed.HAYMAKER_MANAGED_IDENTITY_CLIENT_ID,
          },
    armEndpoint,
    authorityHost,
    sandbox,
    logLevel: parsed.HAYMAKER_LOG_LEVEL,
    propagationWindowMs: parsed.HAYMAKER_PROPAGATION_WINDOW,
    bus,
  };
}

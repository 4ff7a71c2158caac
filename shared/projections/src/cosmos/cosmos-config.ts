// Where the projections live in Azure, from the environment: HAYMAKER_COSMOS_ENDPOINT (unset: the local
// SQLite file), HAYMAKER_COSMOS_KEY (unset: Microsoft Entra sign-in with DefaultAzureCredential, e.g. the
// managed identity), HAYMAKER_COSMOS_DATABASE (default "haymaker") and optional retention in days.
import { ConfigError, parseEnv } from "@haymaker/config";
import * as v from "valibot";
import type { CosmosProjectionStoreOptions } from "./cosmos-projection-store.ts";

export const DEFAULT_COSMOS_DATABASE = "haymaker";

const days = v.pipe(
  v.string(),
  v.regex(/^[1-9]\d{0,3}$/, "must be a whole number of days from 1 to 3650"),
  v.transform(Number),
  v.maxValue(3650, "must be a whole number of days from 1 to 3650"),
);

const CosmosEnv = v.object({
  HAYMAKER_COSMOS_ENDPOINT: v.optional(
    v.pipe(
      v.string(),
      v.regex(
        /^https?:\/\/[^/\s?#]+\/?$/i,
        "must be the account's endpoint, such as https://contoso.documents.azure.com:443/",
      ),
    ),
  ),
  HAYMAKER_COSMOS_KEY: v.optional(
    v.pipe(v.string(), v.minLength(1, "must not be empty; unset it to sign in with Azure credentials")),
  ),
  HAYMAKER_COSMOS_DATABASE: v.optional(
    v.pipe(
      v.string(),
      v.regex(
        /^[^/\\?#\s]{1,255}$/,
        "must be a database name: 1 to 255 characters, none of / \\ ? # or spaces",
      ),
    ),
    DEFAULT_COSMOS_DATABASE,
  ),
  HAYMAKER_COSMOS_LOG_TTL_DAYS: v.optional(days),
  HAYMAKER_COSMOS_PROCESSED_EVENT_TTL_DAYS: v.optional(days),
});

export type CosmosConfig = Pick<
  CosmosProjectionStoreOptions,
  "endpoint" | "key" | "database" | "logTtlDays" | "processedEventTtlDays" | "clientOptions"
>;

/**
 * The Cosmos DB settings, or undefined when HAYMAKER_COSMOS_ENDPOINT is unset (the projections are then
 * local). Throws ConfigError naming each variable at fault, never echoing a value (the key is a secret).
 */
export function cosmosConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
  service = "haymaker",
): CosmosConfig | undefined {
  const parsed = parseEnv(service, CosmosEnv, env);
  const endpoint = parsed.HAYMAKER_COSMOS_ENDPOINT;
  if (endpoint === undefined) {
    const stray = (
      [
        "HAYMAKER_COSMOS_KEY",
        "HAYMAKER_COSMOS_LOG_TTL_DAYS",
        "HAYMAKER_COSMOS_PROCESSED_EVENT_TTL_DAYS",
      ] as const
    ).filter((name) => env[name] !== undefined);
    if (stray.length > 0) {
      throw new ConfigError(service, [
        `${stray.join(", ")}: set HAYMAKER_COSMOS_ENDPOINT too, or unset ${stray.length === 1 ? "it" : "them"} to keep the projections local`,
      ]);
    }
    return undefined;
  }
  const plainHttp = endpoint.toLowerCase().startsWith("http://");
  if (plainHttp && parsed.HAYMAKER_COSMOS_KEY === undefined) {
    throw new ConfigError(service, [
      "HAYMAKER_COSMOS_KEY: is required with an http:// endpoint (a local emulator); Azure Cosmos DB endpoints are https://",
    ]);
  }
  return {
    endpoint,
    key: parsed.HAYMAKER_COSMOS_KEY,
    database: parsed.HAYMAKER_COSMOS_DATABASE,
    logTtlDays: parsed.HAYMAKER_COSMOS_LOG_TTL_DAYS,
    processedEventTtlDays: parsed.HAYMAKER_COSMOS_PROCESSED_EVENT_TTL_DAYS,
    // Over plain HTTP (a local emulator) the account's metadata names https:// locations that the SDK
    // would switch to: use the endpoint as given.
    ...(plainHttp ? { clientOptions: { connectionPolicy: { enableEndpointDiscovery: false } } } : {}),
  };
}

// Where the gateway counts its callers' budgets, chosen by configuration: Cosmos DB when
// HAYMAKER_COSMOS_ENDPOINT is set (every replica draws on one budget per caller), otherwise this process's
// memory (one gateway, as `make run` starts it).
import { type CosmosConfig, cosmosConfigFromEnv } from "@haymaker/projections";
import { CosmosRateLimits } from "./cosmos-rate-limit.ts";
import { inMemoryRateLimits, type RateLimits } from "./rate-limit.ts";

export interface OpenedRateLimits {
  rateLimits: RateLimits;
  close(): void;
}

/** Opens the budgets a configuration names (read it with cosmosConfigFromEnv first). */
export async function openRateLimits(cosmos: CosmosConfig | undefined): Promise<OpenedRateLimits> {
  if (cosmos === undefined) return { rateLimits: inMemoryRateLimits, close: () => {} };
  const limits = await CosmosRateLimits.open(cosmos);
  return { rateLimits: limits.rateLimits, close: () => limits.close() };
}

/**
 * The budgets the environment names. The HAYMAKER_COSMOS_* variables are read before this returns: a bad
 * one is thrown from the call itself as a ConfigError naming every one (so configOrExit catches it), not
 * as a rejected promise, and nothing connects; the returned promise is the opening.
 */
export function rateLimitsFromEnv(
  env: Record<string, string | undefined>,
  service = "gateway",
): Promise<OpenedRateLimits> {
  return openRateLimits(cosmosConfigFromEnv(env, service));
}

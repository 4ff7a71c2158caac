import * as v from "valibot";

// Run and agent ids end up in resource group, container job, secret and identity names, so they are
// DNS labels that every one of those accepts: lowercase letters and digits in hyphen-separated words,
// starting with a letter (Container Apps job names also forbid "--" and a leading digit).
// 32 characters is the Container Apps job name limit; a name combining several ids must be shortened
// (hashed) by whoever derives it.
export const NAME_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
export const ID_MAX_LENGTH = 32;
export const SCENARIO_ID_MAX_LENGTH = 63;

function dnsName(what: string, max: number) {
  return v.pipe(
    v.string(),
    v.regex(
      NAME_PATTERN,
      `expected ${what}: lowercase letters, digits and single hyphens, starting with a letter`,
    ),
    v.maxLength(max, `expected ${what} of at most ${max} characters`),
  );
}

/** A run id, e.g. "run-20261124-0600-k3f9". Also the run's correlation id. */
export const RunIdSchema = dnsName("a run id", ID_MAX_LENGTH);
/** An agent id, unique within its run, e.g. "a01". */
export const AgentIdSchema = dnsName("an agent id", ID_MAX_LENGTH);
/** A scenario id from the scenario catalogue, e.g. "storage-blob-lifecycle". */
export const ScenarioIdSchema = dnsName("a scenario id", SCENARIO_ID_MAX_LENGTH);
/** The name of a HayMaker service, e.g. "verify-cleanup". */
export const ServiceNameSchema = dnsName("a service name", ID_MAX_LENGTH);

export type RunId = v.InferOutput<typeof RunIdSchema>;
export type AgentId = v.InferOutput<typeof AgentIdSchema>;
export type ScenarioId = v.InferOutput<typeof ScenarioIdSchema>;

export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const GuidSchema = v.pipe(
  v.string(),
  v.regex(GUID_PATTERN, "expected a GUID like 00000000-0000-0000-0000-000000000000"),
);

/**
 * A cleanup an operator asked for, e.g. "cleanup-20261124-060000-ab12" (the gateway names it after the
 * moment it was asked for). A run id never contains ":", so "cleanup:<id>" can never name a run.
 */
export const CleanupIdSchema = v.pipe(
  dnsName("a cleanup id", ID_MAX_LENGTH),
  v.startsWith("cleanup-", 'expected a cleanup id starting with "cleanup-"'),
);
export type CleanupId = v.InferOutput<typeof CleanupIdSchema>;

// How long HayMaker keeps retrying what a new identity cannot do yet: Entra replicates a new application,
// service principal and client secret, and Azure RBAC a new role assignment, to every replica and cache
// only after a while (seconds usually, minutes at worst). Within the window a refused sign-in
// (AADSTS700016, AADSTS7000215), a 403 or ARM's PrincipalNotFound is taken for "not there yet" and retried;
// after it, for what it says. Read from HAYMAKER_PROPAGATION_WINDOW by provision (through cloud control)
// and by the agent (docs/agent-contract.md).
import * as v from "valibot";
import { isoDuration, parseIsoDuration } from "./time.ts";

/**
 * Five minutes: Azure's RBAC troubleshooting guide says a new role assignment can take several minutes to
 * take effect, and Microsoft's eventual-consistency guidance for Entra asks clients to retry reads and
 * sign-ins of new objects with backoff over minutes; five is what Terraform's azurerm provider settled on
 * for the same race. Longer only delays the verdict on an identity that really lacks access.
 */
export const DEFAULT_PROPAGATION_WINDOW = "PT5M";

/** HAYMAKER_PROPAGATION_WINDOW: an ISO 8601 duration from PT0S (no retries) to PT30M, in milliseconds. */
export const PropagationWindowSchema = v.pipe(
  v.optional(isoDuration("PT0S", "PT30M"), DEFAULT_PROPAGATION_WINDOW),
  v.transform((text) => parseIsoDuration(text) ?? 0),
);

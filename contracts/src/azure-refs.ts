import * as v from "valibot";
import { GuidSchema } from "./ids.ts";
import { line } from "./text.ts";

// References to things in Azure (or their local stand-ins). Events carry these instead of the things
// themselves, and never a secret: a secret is named by where it is kept.

const GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const RESOURCE_GROUP_NAME = "[-\\w.()]{0,89}[-\\w()]";
const ARM_ID = new RegExp(
  `^/subscriptions/${GUID}/resourceGroups/${RESOURCE_GROUP_NAME}(?:/providers/[A-Za-z0-9.]+(?:/[^/\\s]+/[^/\\s]+)+)?$`,
  "i",
);
export const ARM_ID_MAX_LENGTH = 1024;

/** An Azure Resource Manager id of a resource group or a resource inside one. */
export const ArmIdSchema = v.pipe(
  v.string(),
  v.regex(
    ARM_ID,
    "expected an ARM resource id like /subscriptions/<guid>/resourceGroups/<name>/providers/...",
  ),
  v.maxLength(ARM_ID_MAX_LENGTH, `expected an ARM resource id of at most ${ARM_ID_MAX_LENGTH} characters`),
);

/** The resource group an ARM id lives in (lowercased: ARM names are case-insensitive), if any. */
export function resourceGroupOf(armId: string): string | undefined {
  return /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)/i.exec(armId)?.[1]?.toLowerCase();
}

export const ResourceGroupNameSchema = v.pipe(
  v.string(),
  v.regex(
    new RegExp(`^${RESOURCE_GROUP_NAME}$`),
    "expected a resource group name: 1-90 letters, digits, '_', '-', '.', '(' or ')', not ending in '.'",
  ),
);

/** An ARM resource type such as "Microsoft.Storage/storageAccounts". */
export const ResourceTypeSchema = v.pipe(
  v.string(),
  v.regex(
    /^[A-Za-z][A-Za-z0-9.]*(?:\/[A-Za-z0-9]+)+$/,
    'expected an ARM resource type like "Microsoft.Storage/storageAccounts"',
  ),
  v.maxLength(256, "expected a resource type of at most 256 characters"),
);

/** Local stand-ins name things as "local:<name>"; the name is safe as a file name. */
const LOCAL_NAME = "local:[A-Za-z0-9][A-Za-z0-9_.-]{0,127}";
// The local stand-ins (the sandbox cloud's Key Vault, Azurite) serve plain http on a loopback address and a
// port; nothing else may use http, since a reference is followed with a bearer token or a key.
const LOOPBACK_ORIGIN = "http://127\\.0\\.0\\.1:\\d{1,5}";
const KEY_VAULT_SECRET_ID = new RegExp(
  "^(?:https://[a-z0-9](?:[a-z0-9-]{1,22})[a-z0-9]\\.vault\\.(?:azure\\.net|azure\\.cn|usgovcloudapi\\.net|microsoftazure\\.de)" +
    `|${LOOPBACK_ORIGIN})/secrets/[A-Za-z0-9-]{1,127}(?:/[0-9a-f]{32})?$`,
  "i",
);

/**
 * Where an identity's secret is kept: a Key Vault secret id
 * (https://<vault>.vault.azure.net/secrets/<name>[/<version>]; http://127.0.0.1:<port>/secrets/<name> for the
 * sandbox cloud's vault) or a local secret name (local:<name>). Never the secret itself.
 */
export const SecretRefSchema = v.pipe(
  v.string(),
  v.check(
    (ref) => KEY_VAULT_SECRET_ID.test(ref) || new RegExp(`^${LOCAL_NAME}$`).test(ref),
    "expected a secret reference: a Key Vault secret id (https://<vault>.vault.azure.net/secrets/<name>, or http://127.0.0.1:<port>/secrets/<name> for a local stand-in) or local:<name>",
  ),
);

/** What runs an agent: the ARM id of a Container Apps job (execution), or local:<name> for a child process. */
export const RuntimeRefSchema = v.pipe(
  v.string(),
  v.check(
    (ref) => (ARM_ID.test(ref) && ref.length <= ARM_ID_MAX_LENGTH) || new RegExp(`^${LOCAL_NAME}$`).test(ref),
    "expected a runtime reference: an ARM id or local:<name>",
  ),
);

// A report is a blob (https URL without a query: a SAS token in the query would be a secret; plain http only
// on loopback, for Azurite) or a file under the local data directory, named by a relative path without "..".
const REPORT_URL = new RegExp(
  `^(?:https://[A-Za-z0-9.-]+(?::\\d{1,5})?|${LOOPBACK_ORIGIN})(?:/[A-Za-z0-9_.~%!$&'()*+,;=:@-]*)+$`,
);
function isLocalPath(ref: string): boolean {
  if (!ref.startsWith("local:")) return false;
  return ref
    .slice("local:".length)
    .split("/")
    .every((segment) => /^[A-Za-z0-9_.-]+$/.test(segment) && segment !== "." && segment !== "..");
}

export const ReportRefSchema = v.pipe(
  v.string(),
  v.maxLength(2048, "expected a report reference of at most 2048 characters"),
  v.check(
    (ref) => REPORT_URL.test(ref) || isLocalPath(ref),
    "expected a report reference: an https URL without a query (http only on 127.0.0.1, for a local stand-in), or local:<relative path>",
  ),
);

/** The Entra ID application and service principal provisioned for one agent. */
export const IdentitySchema = v.object({
  displayName: line(120),
  appId: GuidSchema,
  objectId: GuidSchema,
  servicePrincipalId: GuidSchema,
  tenantId: GuidSchema,
});
export type Identity = v.InferOutput<typeof IdentitySchema>;

import type { Problem } from "../problems.ts";
import { looksLikeSecret } from "../secrets.ts";
import { RESERVED_TAG_PREFIX } from "../text.ts";
import { childPath, isJsonObject, type JsonValue, walkJson } from "./json.ts";
import { parseResourceType } from "./names.ts";

// HayMaker's safety net for scenarios: whatever a scenario file says, an agent stays in its own resource
// group, creates nothing it does not delete, keeps its hands off permissions, secrets and HayMaker's own
// tags, and does not weaken a resource's security. Each rule returns problems with the field path at
// fault; the same body rules run again on every rendered request (see render.ts).

const SECRET_REASON =
  "must not contain a secret (key, password, token or connection string): scenario files are shared and logged";

/** Every string (and map key) in a document that looks like a credential. */
export function secretProblems(document: JsonValue, path = ""): Problem[] {
  const problems: Problem[] = [];
  for (const visit of walkJson(document, path)) {
    if (visit.key !== undefined && looksLikeSecret(visit.key)) {
      problems.push({ path: visit.path, reason: `key ${SECRET_REASON}` });
    } else if (typeof visit.value === "string" && looksLikeSecret(visit.value)) {
      problems.push({ path: visit.path, reason: SECRET_REASON });
    }
  }
  return problems;
}

// Body fields whose value would be a credential however it is spelt ("administratorLoginPassword",
// "sharedAccessKey", ...). Matching the key catches what looksLikeSecret cannot: a bare password string.
const CREDENTIAL_FIELD =
  /password|passwd|passphrase|clientsecret|connectionstring|privatekey|accountkey|accesskey/i;

function credentialFieldProblems(body: JsonValue, path: string): Problem[] {
  const problems: Problem[] = [];
  for (const visit of walkJson(body, path)) {
    if (
      visit.key &&
      CREDENTIAL_FIELD.test(visit.key) &&
      typeof visit.value === "string" &&
      visit.value !== ""
    ) {
      problems.push({
        path: visit.path,
        reason:
          "must not set a password or key: scenarios hold no secrets (use SSH public keys, Entra ID authentication or resources that need none)",
      });
    }
  }
  return problems;
}

/** Refers to the agent's own resource group in a template, before rendering. */
export const OWN_RESOURCE_GROUP_TEMPLATE =
  /^\/subscriptions\/\{\{\s*subscription\s*\}\}\/resourceGroups\/\{\{\s*resourceGroup\s*\}\}(?:\/|$)/i;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Refers to this resource group once rendered. */
export function ownResourceGroupPrefix(subscription: string, resourceGroup: string): RegExp {
  return new RegExp(
    `^/subscriptions/${escapeRegExp(subscription)}/resourceGroups/${escapeRegExp(resourceGroup)}(?:/|$)`,
    "i",
  );
}

const ARM_REFERENCE = /\/subscriptions\/|^\/providers\//i;
const PARENT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;

/**
 * Strings in a body that are ARM ids (or contain one) must name something in the agent's own resource
 * group: "/subscriptions/{{subscription}}/resourceGroups/{{resourceGroup}}/providers/...". Anything else
 * (another group, another subscription, a tenant-level /providers/ id, a URL with an id inside) is refused.
 */
export function outsideReferenceProblems(body: JsonValue, path: string, ownPrefix: RegExp): Problem[] {
  const problems: Problem[] = [];
  for (const visit of walkJson(body, path)) {
    const value = visit.value;
    if (typeof value !== "string" || !ARM_REFERENCE.test(value)) continue;
    const inside =
      ownPrefix.test(value) &&
      value.match(/\/subscriptions\//gi)?.length === 1 &&
      !PARENT_SEGMENT.test(value);
    if (!inside) {
      problems.push({
        path: visit.path,
        reason:
          "refers to something outside the agent's resource group: ARM ids in a scenario must start with /subscriptions/{{subscription}}/resourceGroups/{{resourceGroup}}/",
      });
    }
  }
  return problems;
}

/** HayMaker tags what agents create (haymaker-run, haymaker-agent, ...) to find it again at cleanup. */
export function reservedTagProblems(body: JsonValue, path: string): Problem[] {
  const problems: Problem[] = [];
  for (const visit of walkJson(body, path)) {
    if (visit.key?.toLowerCase() !== "tags" || !isJsonObject(visit.value)) continue;
    for (const tag of Object.keys(visit.value)) {
      if (tag.toLowerCase().startsWith(RESERVED_TAG_PREFIX)) {
        problems.push({
          path: childPath(visit.path, tag),
          reason: `tag names starting with "${RESERVED_TAG_PREFIX}" are reserved: the agent sets them itself`,
        });
      }
    }
  }
  return problems;
}

interface Downgrade {
  readonly weakens: (value: JsonValue) => boolean;
  readonly because: string;
}

const equalsAny =
  (...values: JsonValue[]) =>
  (value: JsonValue) =>
    values.some((candidate) =>
      typeof candidate === "string" && typeof value === "string"
        ? candidate.toLowerCase() === value.toLowerCase()
        : candidate === value,
    );

const OLD_TLS = "would allow TLS versions older than 1.2";

// Settings that, set this way, switch a protection off. Benign administration tightens or keeps them; the
// catalogue must never be the needle the detections are looking for.
const DOWNGRADES: Readonly<Record<string, Downgrade>> = {
  supportsHttpsTrafficOnly: {
    weakens: equalsAny(false),
    because: "would allow plain HTTP to a storage account",
  },
  httpsOnly: { weakens: equalsAny(false), because: "would allow plain HTTP to a web app" },
  allowBlobPublicAccess: { weakens: equalsAny(true), because: "would allow anonymous access to blobs" },
  publicAccess: {
    weakens: equalsAny("Blob", "Container"),
    because: "would make a blob container anonymously readable",
  },
  adminUserEnabled: {
    weakens: equalsAny(true),
    because: "would enable a container registry's shared admin credentials",
  },
  minimumTlsVersion: { weakens: equalsAny("TLS1_0", "TLS1_1", "1.0", "1.1"), because: OLD_TLS },
  minTlsVersion: { weakens: equalsAny("1.0", "1.1"), because: OLD_TLS },
  minimalTlsVersion: { weakens: equalsAny("Tls", "Tls11"), because: OLD_TLS },
  minimumTlsVersionAllowed: { weakens: equalsAny("1.0", "1.1"), because: OLD_TLS },
  ftpsState: { weakens: equalsAny("AllAllowed"), because: "would allow unencrypted FTP" },
  disablePasswordAuthentication: {
    weakens: equalsAny(false),
    because: "would allow password sign-in to a virtual machine",
  },
  enableSoftDelete: { weakens: equalsAny(false), because: "would turn soft delete off" },
};

const ANY_SOURCE = equalsAny("*", "Internet", "Any", "0.0.0.0/0", "::/0");
const MANAGEMENT_PORTS = [22, 3389];

function coversManagementPort(range: JsonValue): boolean {
  if (typeof range !== "string" && typeof range !== "number") return false;
  const text = String(range).trim();
  if (text === "*") return true;
  const [low, high = low] = text.split("-").map((part) => Number(part.trim()));
  return MANAGEMENT_PORTS.some((port) => low !== undefined && port >= low && port <= (high ?? low));
}

function listOf(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** An NSG rule that opens SSH or RDP to the whole internet. */
function opensManagementPorts(rule: Readonly<Record<string, JsonValue>>): boolean {
  if (!equalsAny("Allow")(rule.access ?? null) || !equalsAny("Inbound")(rule.direction ?? null)) return false;
  const sources = [...listOf(rule.sourceAddressPrefix), ...listOf(rule.sourceAddressPrefixes)];
  const ports = [...listOf(rule.destinationPortRange), ...listOf(rule.destinationPortRanges)];
  return sources.some(ANY_SOURCE) && ports.some(coversManagementPort);
}

/** Settings that would weaken a resource's security (see DOWNGRADES), checked on a rendered body. */
export function securityDowngradeProblems(body: JsonValue, path: string): Problem[] {
  const problems: Problem[] = [];
  for (const visit of walkJson(body, path)) {
    const downgrade =
      visit.key !== undefined && Object.hasOwn(DOWNGRADES, visit.key) ? DOWNGRADES[visit.key] : undefined;
    if (downgrade?.weakens(visit.value)) {
      problems.push({ path: visit.path, reason: `${downgrade.because}; scenarios must not weaken security` });
    }
    if (isJsonObject(visit.value) && opensManagementPorts(visit.value)) {
      problems.push({
        path: visit.path,
        reason: "would open SSH or RDP to the whole internet; scenarios must not weaken security",
      });
    }
  }
  return problems;
}

/** The rules for any body, before or after rendering; `ownPrefix` says what "inside the group" looks like. */
export function bodyProblems(body: JsonValue, path: string, ownPrefix: RegExp): Problem[] {
  return [
    ...outsideReferenceProblems(body, path, ownPrefix),
    ...reservedTagProblems(body, path),
    ...credentialFieldProblems(body, path),
  ];
}

// Namespaces whose resources change who may do what (role assignments, policies, locks that would block
// cleanup), mint identities, or deploy other things without these rules applying to them.
const REFUSED_NAMESPACES: Readonly<Record<string, string>> = {
  "microsoft.authorization": "role assignments, policies and locks are out of bounds for scenarios",
  "microsoft.managedidentity": "scenarios do not create identities or federated credentials",
  "microsoft.resources": "deployments and deployment scripts would act outside these rules",
};

/** Why a step may not touch this resource type at all, if it may not. */
export function refusedTypeReason(type: string, action: string): string | undefined {
  const { namespace, segments } = parseResourceType(type);
  const refused = REFUSED_NAMESPACES[namespace.toLowerCase()];
  if (refused) return `${namespace} is refused: ${refused}`;
  if ((action === "put" || action === "patch") && segments.at(-1)?.toLowerCase() === "secrets") {
    return "scenarios do not write secrets: a secret's value would sit in the catalogue; configure the vault instead";
  }
  return undefined;
}

// Resource actions that hand out credentials ("listKeys", "sharedKeys", "listAccountSas", "listCredentials"):
// reading them is the exfiltration detections hunt for, and the agent has no use for them. Rotating a key
// ("regenerateKey", "rotateKey", "revokeToken") is ordinary administration and stays allowed.
const CREDENTIAL_READ = /(?:keys?|secrets?|credentials?|connectionstrings?|sas|tokens?)$/i;
const CREDENTIAL_ROTATION = /^(?:regenerate|rotate|revoke|renew)/i;

export function refusedOperationReason(operation: string): string | undefined {
  return CREDENTIAL_READ.test(operation) && !CREDENTIAL_ROTATION.test(operation)
    ? `"${operation}" would read credentials; scenarios may rotate keys but never read them`
    : undefined;
}

// Roles that let their holder grant access: with one, an agent could widen its own reach.
const REFUSED_ROLES = new Set([
  "owner",
  "user access administrator",
  "role based access control administrator",
  "role based access control administrator (preview)",
]);

export function refusedRoleReason(role: string): string | undefined {
  return REFUSED_ROLES.has(role.toLowerCase())
    ? `"${role}" can grant access; scenarios get roles that manage resources, never permissions`
    : undefined;
}

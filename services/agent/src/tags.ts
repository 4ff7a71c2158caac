// HayMaker's tags on what an agent creates. They are the safety net: verify-cleanup and force-cleanup find an
// agent's leftovers by them, whatever the agent did (docs/architecture.md, reliability rules).
import type { JsonObject, JsonValue } from "@haymaker/contracts";

export const HAYMAKER_TAGS = {
  managed: "haymaker-managed",
  run: "haymaker-run",
  agent: "haymaker-agent",
  scenario: "haymaker-scenario",
} as const;

/** Azure's limit per resource. */
export const AZURE_TAG_LIMIT = 50;

export interface TagOwner {
  runId: string;
  agentId: string;
  scenarioId: string;
  /** Extra tags the run asked for (HAYMAKER_TAGS); never a haymaker-* key (the config refuses those). */
  runTags: Readonly<Record<string, string>>;
}

export class TagLimitError extends Error {
  override name = "TagLimitError";
}

/** A type with one segment after its namespace ("Microsoft.Network/networkSecurityGroups") is top-level. */
export function isTopLevelType(type: string): boolean {
  return type.split("/").length === 2;
}

/**
 * The scenario's own tags, then the run's, then HayMaker's four, later ones winning. Azure compares tag
 * names case-insensitively, so a later "Owner" replaces an earlier "owner" rather than colliding with it.
 */
export function mergeTags(own: JsonValue | undefined, owner: TagOwner): Record<string, string> {
  const merged = new Map<string, [string, string]>();
  const add = (name: string, value: string) => merged.set(name.toLowerCase(), [name, value]);
  if (own !== null && typeof own === "object" && !Array.isArray(own)) {
    for (const [name, value] of Object.entries(own)) {
      if (value === null || typeof value === "object") continue;
      add(name, String(value));
    }
  }
  for (const [name, value] of Object.entries(owner.runTags)) add(name, value);
  add(HAYMAKER_TAGS.managed, "true");
  add(HAYMAKER_TAGS.run, owner.runId);
  add(HAYMAKER_TAGS.agent, owner.agentId);
  add(HAYMAKER_TAGS.scenario, owner.scenarioId);
  if (merged.size > AZURE_TAG_LIMIT) {
    throw new TagLimitError(
      `the scenario's, the run's and HayMaker's tags come to ${merged.size}; Azure allows ${AZURE_TAG_LIMIT}`,
    );
  }
  return Object.fromEntries(merged.values());
}

/**
 * The body to send for a step, with HayMaker's tags where they belong:
 * - every put of a top-level resource (a put replaces the resource, tags included);
 * - a patch of a top-level resource that sets tags (ARM replaces the whole tags map on such a patch, which
 *   would otherwise strip HayMaker's tags and hide the resource from cleanup-by-tag).
 * Nested resources are never tagged: they are deleted with their parent, which carries the tags, and many
 * child types (blob containers, security rules, lifecycle policies...) have no tags and reject the field.
 */
export function bodyWithTags(
  action: string,
  type: string,
  body: JsonObject | undefined,
  owner: TagOwner,
): JsonObject | undefined {
  if (!isTopLevelType(type)) return body;
  if (action === "put") return { ...body, tags: mergeTags(body?.tags, owner) };
  if (action === "patch" && body !== undefined && "tags" in body) {
    return { ...body, tags: mergeTags(body.tags, owner) };
  }
  return body;
}

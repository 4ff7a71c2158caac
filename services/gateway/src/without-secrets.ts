// What the gateway hands out of stored events is stripped of anything secret-bearing, wherever it is
// nested: a field whose name the contracts mark as sensitive (secretRef, token, password, connectionString…,
// see isSensitiveField) is left out. A secret's reference is not the secret, but it names where the secret
// is kept, and readers have no use for it. True/false and numbers under such a name (secretDeleted) carry no
// secret and stay.
import { isDeepStrictEqual } from "node:util";
import { isFactAboutSecret, isSensitiveField } from "@haymaker/contracts";

/** A copy of `value` without the secret-bearing fields at any depth. */
export function withoutSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutSecrets) as T;
  if (value === null || typeof value !== "object") return value;
  const kept: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value)) {
    if (isSensitiveField(name) && !isFactAboutSecret(field)) continue;
    kept[name] = withoutSecrets(field);
  }
  return kept as T;
}

/**
 * `edited` with the secret-bearing fields of `original` it lacks put back, at any depth: an admin edits what
 * withoutSecrets showed, so what was hidden from them is kept as it was rather than lost.
 */
export function withHiddenSecretsRestored(edited: unknown, original: unknown): unknown {
  if (Array.isArray(edited) && Array.isArray(original)) return itemsRestored(edited, original);
  if (!isRecord(edited) || !isRecord(original)) return edited;
  const restored: Record<string, unknown> = { ...edited };
  for (const [name, field] of Object.entries(original)) {
    if (!(name in edited)) {
      if (isSensitiveField(name)) restored[name] = field;
    } else restored[name] = withHiddenSecretsRestored(edited[name], field);
  }
  return restored;
}

/**
 * Each edited item takes its hidden fields from the original item it came from: the one it still equals as
 * shown (so items moved or removed keep theirs), else, for an item changed in place, the one original item
 * left that shares the most fields with it (its agentId, say). Where that is not one item, nothing is put
 * back: a secret reference on the wrong item would be worse than none.
 */
function itemsRestored(edited: unknown[], original: unknown[]): unknown[] {
  const shown = original.map(withoutSecrets);
  const exact = edited.map((item) => shown.findIndex((seen) => isDeepStrictEqual(seen, item)));
  const left = shown.map((_, index) => index).filter((index) => !exact.includes(index));
  return edited.map((item, index) => {
    const from = exact[index] !== -1 ? exact[index] : closest(item, left, shown);
    return from === undefined ? item : withHiddenSecretsRestored(item, original[from]);
  });
}

/** The one candidate sharing the most equal fields with `item` (at least one), if exactly one does. */
function closest(item: unknown, candidates: number[], shown: unknown[]): number | undefined {
  if (!isRecord(item)) return undefined;
  const shared = (index: number) => {
    const seen = shown[index];
    if (!isRecord(seen)) return 0;
    return Object.keys(item).filter((name) => name in seen && isDeepStrictEqual(seen[name], item[name]))
      .length;
  };
  const scores = candidates.map(shared);
  const best = Math.max(0, ...scores);
  const winners = candidates.filter((_, index) => scores[index] === best);
  return best > 0 && winners.length === 1 ? winners[0] : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

// What the gateway hands out of stored events is stripped of anything secret-bearing, wherever it is
// nested: a field whose name the contracts mark as sensitive (secretRef, token, password, connectionString…,
// see isSensitiveField) is left out. A secret's reference is not the secret, but it names where the secret
// is kept, and readers have no use for it. True/false and numbers under such a name (secretDeleted) carry no
// secret and stay.
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
  if (!isRecord(edited) || !isRecord(original)) return edited;
  const restored: Record<string, unknown> = { ...edited };
  for (const [name, field] of Object.entries(original)) {
    if (!(name in edited)) {
      if (isSensitiveField(name)) restored[name] = field;
    } else restored[name] = withHiddenSecretsRestored(edited[name], field);
  }
  return restored;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

import * as v from "valibot";
import { looksLikeSecret } from "./secrets.ts";

// Control characters would let a value forge log lines or break report tables.
const NO_CONTROL_CHARACTERS = /^[^\p{Cc}]*$/u;
const NO_CONTROL_EXCEPT_NEWLINE_AND_TAB = /^[^\p{Cc}]*(?:[\n\t][^\p{Cc}]*)*$/u;

const noSecret = v.check(
  (text: string) => !looksLikeSecret(text),
  "must not contain a secret (key, password, token or connection string); send a reference instead",
);

/** A single line of free text, 1..max characters, that never holds a secret. */
export function line(max: number) {
  return v.pipe(
    v.string(),
    v.minLength(1, "must not be empty"),
    v.maxLength(max, `expected at most ${max} characters`),
    v.regex(NO_CONTROL_CHARACTERS, "must not contain control characters"),
    noSecret,
  );
}

/** Multi-line free text (newlines and tabs allowed), 1..max characters, that never holds a secret. */
export function text(max: number) {
  return v.pipe(
    v.string(),
    v.minLength(1, "must not be empty"),
    v.maxLength(max, `expected at most ${max} characters`),
    v.regex(
      NO_CONTROL_EXCEPT_NEWLINE_AND_TAB,
      "must not contain control characters other than newline and tab",
    ),
    noSecret,
  );
}

/** Who asked: a principal name such as "scheduler" or "operator:alice@contoso.com". */
export const PrincipalSchema = line(256);

export const TAG_LIMITS = { count: 16, keyLength: 64, valueLength: 256 } as const;
// Reserved because HayMaker sets these itself to find what a run created (docs/architecture.md, reliability rules).
export const RESERVED_TAG_PREFIX = "haymaker-";

const TagKeySchema = v.pipe(
  v.string(),
  v.regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/,
    "expected a tag name of letters, digits, '_', '.', ':' or '-', starting with a letter or digit",
  ),
  v.maxLength(TAG_LIMITS.keyLength, `expected a tag name of at most ${TAG_LIMITS.keyLength} characters`),
  v.check(
    (key) => !key.toLowerCase().startsWith(RESERVED_TAG_PREFIX),
    `tag names starting with "${RESERVED_TAG_PREFIX}" are reserved for HayMaker`,
  ),
);

const TagValueSchema = v.pipe(
  v.string(),
  v.maxLength(TAG_LIMITS.valueLength, `expected at most ${TAG_LIMITS.valueLength} characters`),
  v.regex(NO_CONTROL_CHARACTERS, "must not contain control characters"),
  noSecret,
);

/** Tags a run puts on everything it creates, besides HayMaker's own. Azure allows 50; we keep room. */
export const TagsSchema = v.pipe(
  v.record(TagKeySchema, TagValueSchema),
  v.check(
    (tags) => Object.keys(tags).length <= TAG_LIMITS.count,
    `expected at most ${TAG_LIMITS.count} tags`,
  ),
);
export type Tags = v.InferOutput<typeof TagsSchema>;

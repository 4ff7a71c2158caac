// Which dead letters an operation takes: explicit ids, one failure group, or a filter (topic, subscription,
// event type, reason, run, time) — the ways ServicePulse, Temporal and Trigger.dev let operators choose what
// to retry. Checked with valibot, so a bad selection is refused before anything is touched.
import { TimestampSchema } from "@haymaker/contracts";
import * as v from "valibot";
import type { DeadLetterSummary } from "./dead-letter.ts";
import { parseDeadLetterId } from "./dead-letter-id.ts";

const name = (what: string) =>
  v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,64}$/, `expected ${what}: lowercase letters, digits and hyphens`));

export const DeadLetterFilterSchema = v.strictObject({
  topic: v.optional(name("a topic name")),
  subscription: v.optional(name("a subscription name")),
  /** The full CloudEvents type, e.g. com.haymaker.agent.selected.v1. */
  eventType: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(256))),
  reason: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(128))),
  runId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(128))),
  /** Dead letters enqueued at or after this instant. */
  since: v.optional(TimestampSchema),
  /** Dead letters enqueued before this instant. */
  until: v.optional(TimestampSchema),
  group: v.optional(
    v.pipe(v.string(), v.regex(/^g-[0-9a-f]{12}$/, "expected a failure group id like g-0123456789ab")),
  ),
});
export type DeadLetterFilter = v.InferOutput<typeof DeadLetterFilterSchema>;

export const DeadLetterIdSchema = v.pipe(
  v.string(),
  v.check(
    (id) => parseDeadLetterId(id) !== undefined,
    "expected a dead-letter id like agent-selected.provision.42",
  ),
);

export const DeadLetterSelectionSchema = v.union(
  [
    v.strictObject({
      ids: v.pipe(
        v.array(DeadLetterIdSchema),
        v.minLength(1, "expected at least one id"),
        v.maxLength(10_000, "expected at most 10000 ids"),
      ),
    }),
    v.strictObject({ group: v.unwrap(DeadLetterFilterSchema.entries.group) }),
    v.strictObject({
      filter: v.pipe(
        DeadLetterFilterSchema,
        v.check((f) => Object.keys(f).length > 0, "expected at least one filter field"),
      ),
    }),
  ],
  'expected one of { "ids": [...] }, { "group": "g-…" } or { "filter": { … } }',
);
export type DeadLetterSelection = v.InferOutput<typeof DeadLetterSelectionSchema>;

/** The selection as a filter plus, for explicit ids, the set of ids. */
export function normalise(selection: DeadLetterSelection): {
  filter: DeadLetterFilter;
  ids?: ReadonlySet<string>;
} {
  if ("ids" in selection) return { filter: {}, ids: new Set(selection.ids) };
  if ("group" in selection) return { filter: { group: selection.group } };
  return { filter: selection.filter };
}

export function matches(
  letter: DeadLetterSummary,
  filter: DeadLetterFilter,
  ids?: ReadonlySet<string>,
): boolean {
  if (ids !== undefined && !ids.has(letter.id)) return false;
  if (filter.topic !== undefined && letter.topic !== filter.topic) return false;
  if (filter.subscription !== undefined && letter.subscription !== filter.subscription) return false;
  if (filter.eventType !== undefined && letter.eventType !== filter.eventType) return false;
  if (filter.reason !== undefined && letter.reason !== filter.reason) return false;
  if (filter.runId !== undefined && letter.runId !== filter.runId) return false;
  if (filter.group !== undefined && letter.group !== filter.group) return false;
  const at = Date.parse(letter.enqueuedAt);
  if (filter.since !== undefined && at < Date.parse(filter.since)) return false;
  if (filter.until !== undefined && at >= Date.parse(filter.until)) return false;
  return true;
}

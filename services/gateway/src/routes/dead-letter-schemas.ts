// The dead-letter routes' inputs and answers as valibot schemas: the query filters every dead-letter read
// takes, the selection replays and purges take, and what they answer (for the OpenAPI document).
import { DeadLetterFilterSchema, DeadLetterSelectionSchema } from "@haymaker/dead-letters";
import * as v from "valibot";
import { pageParams } from "./read-query.ts";

export const DeadLetterQuerySchema = v.strictObject({ ...DeadLetterFilterSchema.entries, ...pageParams });

const count = v.pipe(v.number(), v.integer(), v.minValue(0));

export const DeadLetterSummarySchema = v.pipe(
  v.object({
    id: v.pipe(v.string(), v.description("<topic>.<subscription>.<sequence number>")),
    topic: v.string(),
    subscription: v.string(),
    sequenceNumber: v.string(),
    enqueuedAt: v.string(),
    deliveryCount: count,
    reason: v.pipe(
      v.string(),
      v.description("InvalidEvent, UnknownScenario, HandlerError, MaxDeliveryCountExceeded…"),
    ),
    description: v.pipe(v.string(), v.description("The cause: error type and first line; never a secret.")),
    source: v.optional(v.string()),
    eventId: v.optional(v.string()),
    eventType: v.optional(v.string()),
    runId: v.optional(v.string()),
    replayCount: v.pipe(count, v.description("How many times it was replayed before failing again.")),
    group: v.pipe(v.string(), v.description("Its failure signature: subscription + reason + cause.")),
  }),
  v.title("DeadLetterSummary"),
);

export const DeadLetterSchema = v.pipe(
  v.object({
    ...DeadLetterSummarySchema.pipe[0].entries,
    event: v.optional(v.record(v.string(), v.unknown())),
    body: v.optional(
      v.pipe(v.string(), v.description("The raw body, when the message is not a CloudEvent.")),
    ),
    applicationProperties: v.record(v.string(), v.union([v.string(), v.number(), v.boolean()])),
    contentType: v.optional(v.string()),
    messageId: v.optional(v.string()),
  }),
  v.title("DeadLetter"),
);

export const FailureGroupSchema = v.pipe(
  v.object({
    group: v.string(),
    topic: v.string(),
    subscription: v.string(),
    reason: v.string(),
    description: v.string(),
    count,
    firstSeen: v.string(),
    lastSeen: v.string(),
    eventTypes: v.array(v.string()),
    replayed: v.pipe(count, v.description("How many of them had been replayed before and failed again.")),
  }),
  v.title("FailureGroup"),
);

export const OperationRequestSchema = v.pipe(
  v.object({
    ids: v.optional(v.array(v.string())),
    group: v.optional(v.string()),
    filter: v.optional(v.record(v.string(), v.string())),
    dryRun: v.optional(v.boolean("expected true or false"), false),
    name: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(128, "expected at most 128 characters"))),
  }),
  v.description(
    'One of "ids", "group" or "filter" (topic, subscription, eventType, reason, runId, since, until).',
  ),
);

/** The selection inside an operation request, checked on its own so its problems name the right field. */
export function selectionOf(body: v.InferOutput<typeof OperationRequestSchema>) {
  const { dryRun: _d, name: _n, ...selection } = body;
  return v.safeParse(DeadLetterSelectionSchema, selection);
}

export const ReplayOperationSchema = v.pipe(
  v.object({
    id: v.string(),
    name: v.optional(v.string()),
    kind: v.picklist(["replay", "purge"]),
    status: v.picklist(["running", "completed", "aborted", "failed", "interrupted"]),
    selection: v.record(v.string(), v.unknown()),
    requestedBy: v.string(),
    startedAt: v.string(),
    finishedAt: v.optional(v.string()),
    total: count,
    replayed: v.pipe(count, v.description("Replayed, or for a purge, deleted.")),
    failed: count,
    remaining: count,
    errors: v.array(v.string()),
  }),
  v.title("ReplayOperation"),
);

export const DryRunSchema = v.strictObject({
  dryRun: v.literal(true),
  count,
  sample: v.array(DeadLetterSummarySchema),
});

export const DeadLetterCountsSchema = v.pipe(
  v.array(v.strictObject({ topic: v.string(), subscription: v.string(), count })),
  v.description("Dead letters per subscription (those with none left out)."),
);

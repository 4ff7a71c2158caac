// Dead letters as the gateway answers them, and the filter flags the dlq commands share: each flag maps to
// one query name of GET /api/dead-letters (and to one field of a replay or purge filter).
import { isRfc3339 } from "@haymaker/contracts";
import { usageError } from "./cli-error.ts";
import { type OptionValues, stringOption } from "./command.ts";
import type { Column } from "./table.ts";

export interface DeadLetterSummary {
  id: string;
  topic: string;
  subscription: string;
  /** A 64-bit number, so text. */
  sequenceNumber: string;
  enqueuedAt: string;
  deliveryCount: number;
  reason: string;
  description: string;
  source?: string;
  eventId?: string;
  eventType?: string;
  runId?: string;
  replayCount: number;
  group: string;
}

export interface DeadLetterDetail extends DeadLetterSummary {
  /** The CloudEvent, when the message held a valid one. */
  event?: Record<string, unknown>;
  /** The raw body, when it did not. */
  body?: string;
  applicationProperties: Record<string, unknown>;
  contentType?: string;
  messageId?: string;
}

export interface DeadLetterGroup {
  group: string;
  topic: string;
  subscription: string;
  reason: string;
  description: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  eventTypes: string[];
  /** How many were replayed before and dead-lettered again. */
  replayed: number;
}

export const DEAD_LETTER_COLUMNS: Column<DeadLetterSummary>[] = [
  { header: "ID", value: (d) => d.id },
  { header: "SUBSCRIPTION", value: (d) => d.subscription },
  { header: "REASON", value: (d) => d.reason },
  { header: "EVENT TYPE", value: (d) => d.eventType },
  { header: "RUN", value: (d) => d.runId },
  { header: "REPLAYS", value: (d) => d.replayCount },
  { header: "ENQUEUED", value: (d) => d.enqueuedAt },
];

/** Flag → the gateway's name for it, in the query and in a replay or purge filter. */
const FILTER_FLAGS = {
  topic: "topic",
  subscription: "subscription",
  type: "eventType",
  reason: "reason",
  run: "runId",
  since: "since",
  until: "until",
} as const;

export type DeadLetterFilter = Partial<Record<(typeof FILTER_FLAGS)[keyof typeof FILTER_FLAGS], string>>;

export const FILTER_OPTIONS = {
  topic: { type: "string" },
  subscription: { type: "string" },
  type: { type: "string" },
  reason: { type: "string" },
  run: { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
} as const;

export const FILTER_HELP = [
  "--topic T         only from this topic",
  "--subscription S  only from this subscription",
  "--type TYPE       only events of this type (e.g. com.haymaker.run.requested.v1)",
  "--reason R        only with this dead-letter reason",
  "--run RUN         only events of this run",
  "--since TIME      only dead-lettered at or after this time (e.g. 2026-11-24T06:00:00Z)",
  "--until TIME      only dead-lettered before this time",
];

export const GROUP_OPTION = { group: { type: "string" } } as const;
export const GROUP_HELP = "--group G         only this failure group, g-… (see haymaker dlq groups)";

/** The filter flags given, under the gateway's names; a bad time is a usage error. */
export function filterOf(options: OptionValues): DeadLetterFilter {
  const filter: DeadLetterFilter = {};
  for (const [flag, name] of Object.entries(FILTER_FLAGS)) {
    const value = stringOption(options, flag);
    if (value === undefined) continue;
    // Checked as the gateway checks it (RFC 3339, with its zone), so a typo costs no round trip.
    if ((flag === "since" || flag === "until") && !isRfc3339(value)) {
      throw usageError(`--${flag} takes a time with its zone such as 2026-11-24T06:00:00Z, not '${value}'`);
    }
    filter[name] = value;
  }
  return filter;
}

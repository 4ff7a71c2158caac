import * as v from "valibot";
import { NAME_PATTERN } from "./ids.ts";
import { TimestampSchema } from "./time.ts";

// The CloudEvents 1.0 envelope every HayMaker event travels in (docs/architecture.md, events).

export const SPEC_VERSION = "1.0";
export const DATA_CONTENT_TYPE = "application/json";
export const EVENT_TYPE_PREFIX = "com.haymaker.";
export const SOURCE_PREFIX = "/haymaker/";

// On Service Bus (binary mode of the CloudEvents AMQP binding) each attribute is an application property
// named prefix + attribute. We write "cloudEvents_": unlike "cloudEvents:", it is a plain identifier in
// Service Bus SQL filters. Readers accept the older colon form too.
export const AMQP_PROPERTY_PREFIX = "cloudEvents_";
export const AMQP_LEGACY_PROPERTY_PREFIX = "cloudEvents:";
/** The application property that carries the event type; subscription rules filter on it. */
export const AMQP_TYPE_PROPERTY = `${AMQP_PROPERTY_PREFIX}type`;

const NAME = NAME_PATTERN.source.slice(1, -1);
const SOURCE = new RegExp(`^/haymaker/${NAME}$`);
const TYPE = /^com\.haymaker\.[a-z]+(?:\.[a-z]+)+\.v[1-9][0-9]*$/;
const SUBJECT = new RegExp(`^runs/(${NAME})(?:/agents/(${NAME}))?$`);
// Printable ASCII without spaces: ids become Service Bus message ids and AMQP property values.
const TOKEN = /^[\x21-\x7e]+$/;
// W3C trace context: version-traceid-parentid-flags, ids not all zero, version ff forbidden.
const TRACEPARENT = /^(?!ff)[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

function token(what: string, max: number) {
  return v.pipe(
    v.string(),
    v.regex(TOKEN, `expected ${what} of printable characters without spaces`),
    v.maxLength(max, `expected ${what} of at most ${max} characters`),
  );
}

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export const CloudEventSchema = v.object({
  specversion: v.literal(SPEC_VERSION, `expected "${SPEC_VERSION}"`),
  id: token("an event id", 128),
  source: v.pipe(v.string(), v.regex(SOURCE, "expected /haymaker/<service>, e.g. /haymaker/validate")),
  type: v.pipe(
    v.string(),
    v.regex(TYPE, "expected com.haymaker.<noun>.<verb>.v<n>, e.g. com.haymaker.run.requested.v1"),
  ),
  subject: v.optional(
    v.pipe(v.string(), v.regex(SUBJECT, "expected runs/<runId> or runs/<runId>/agents/<agentId>")),
  ),
  time: TimestampSchema,
  datacontenttype: v.literal(DATA_CONTENT_TYPE, `expected "${DATA_CONTENT_TYPE}"`),
  data: v.custom<Record<string, unknown>>(isJsonObject, "expected a JSON object"),
  // Extensions. CloudEvents requires extension names of lowercase letters and digits only.
  correlationid: token("a correlation id", 128),
  causationid: v.optional(token("a causation id", 128)),
  traceparent: v.optional(
    v.pipe(v.string(), v.regex(TRACEPARENT, "expected a W3C traceparent like 00-<32 hex>-<16 hex>-01")),
  ),
  tracestate: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[\x20-\x7e]*$/, "expected printable ASCII"),
      v.maxLength(512, "expected at most 512 characters"),
    ),
  ),
  replaycount: v.optional(
    v.pipe(
      v.number(),
      v.integer("expected a non-negative integer"),
      v.minValue(0, "expected a non-negative integer"),
      v.maxValue(1000, "expected at most 1000 replays"),
    ),
  ),
  replayof: v.optional(token("the id of the dead-lettered event this edited copy replaces", 128)),
});

/** A CloudEvent as HayMaker sends it; `TType`/`TData` narrow it to one event type. */
export interface CloudEvent<TType extends string = string, TData = Record<string, unknown>> {
  specversion: "1.0";
  id: string;
  /** "/haymaker/<service>" */
  source: string;
  /** "com.haymaker.<noun>.<verb>.v1" */
  type: TType;
  /** "runs/<runId>" or "runs/<runId>/agents/<agentId>" */
  subject?: string;
  /** RFC 3339 */
  time: string;
  datacontenttype: "application/json";
  data: TData;
  /** The run id (or, for operator requests about no run, the request id). */
  correlationid: string;
  /** The id of the event that caused this one. */
  causationid?: string;
  traceparent?: string;
  tracestate?: string;
  /** How many times an operator has replayed this event from a dead-letter queue. */
  replaycount?: number;
  /** On an edited copy an operator sent in place of a dead-lettered event: that event's id. */
  replayof?: string;
}

/** The envelope's attribute names: the CloudEvents core attributes plus our extensions. */
export const CLOUDEVENT_ATTRIBUTES = Object.keys(CloudEventSchema.entries) as readonly (keyof CloudEvent)[];

/** The subject for events about a run, or about one agent of a run. */
export function subjectFor(ids: { runId: string; agentId?: string | undefined }): string {
  return ids.agentId === undefined ? `runs/${ids.runId}` : `runs/${ids.runId}/agents/${ids.agentId}`;
}

import { EXAMPLE_DATA } from "@haymaker/contracts";
import { describe, expect, it } from "vitest";
import { decodeEnvelope, decodeEvent } from "./decode.ts";
import { CloudEventDecodeError, type DecodeErrorKind } from "./decode-error.ts";
import { encodeEvent } from "./encode.ts";
import type { IncomingMessage } from "./messages.ts";
import { newEvent } from "./new-event.ts";

const event = newEvent("run.requested", { source: "/haymaker/gateway", data: EXAMPLE_DATA["run.requested"] });
const good = encodeEvent(event);

function decodeError(
  message: IncomingMessage,
  decode: (message: IncomingMessage) => unknown = decodeEvent,
): CloudEventDecodeError {
  try {
    decode(message);
  } catch (error) {
    if (error instanceof CloudEventDecodeError) return error;
    throw error;
  }
  throw new Error("expected a CloudEventDecodeError");
}

function withProperties(changes: Record<string, unknown>, remove: string[] = []): IncomingMessage {
  const properties: Record<string, unknown> = { ...good.applicationProperties, ...changes };
  for (const name of remove) delete properties[name];
  return { ...good, applicationProperties: properties };
}

function withData(changes: Record<string, unknown>): IncomingMessage {
  return { ...good, body: Buffer.from(JSON.stringify({ ...event.data, ...changes })) };
}

type Case = [what: string, message: IncomingMessage, kind: DecodeErrorKind, field: string, message: RegExp];

const CASES: Case[] = [
  [
    "a missing type",
    withProperties({}, ["cloudEvents_type"]),
    "attribute",
    "cloudEvents_type",
    /is required/,
  ],
  [
    "a malformed type",
    withProperties({ cloudEvents_type: "RunRequested" }),
    "attribute",
    "cloudEvents_type",
    /com\.haymaker\.<noun>/,
  ],
  [
    "an unknown type",
    withProperties({ cloudEvents_type: "com.haymaker.run.exploded.v1" }),
    "unknown-type",
    "cloudEvents_type",
    /^cloudEvents_type: unknown event type "com\.haymaker\.run\.exploded\.v1"$/,
  ],
  [
    "an unknown type under the colon prefix",
    {
      ...good,
      applicationProperties: {
        "cloudEvents:type": "com.haymaker.run.nope.v1",
        ...good.applicationProperties,
        cloudEvents_type: undefined,
      },
    },
    "unknown-type",
    "cloudEvents:type",
    /unknown event type/,
  ],
  [
    "a bad time string",
    withProperties({ cloudEvents_time: "yesterday" }),
    "attribute",
    "cloudEvents_time",
    /RFC 3339.*"yesterday"/,
  ],
  [
    "an invalid Date",
    withProperties({ cloudEvents_time: new Date(Number.NaN) }),
    "attribute",
    "cloudEvents_time",
    /RFC 3339/,
  ],
  [
    "a fractional numeric time",
    withProperties({ cloudEvents_time: 1764000000000.5 }),
    "attribute",
    "cloudEvents_time",
    /expected string, got 1764000000000/,
  ],
  [
    "a wrong spec version",
    withProperties({ cloudEvents_specversion: "0.3" }),
    "attribute",
    "cloudEvents_specversion",
    /"1.0"/,
  ],
  ["a missing id", withProperties({}, ["cloudEvents_id"]), "attribute", "cloudEvents_id", /is required/],
  [
    "a foreign source",
    withProperties({ cloudEvents_source: "https://x" }),
    "attribute",
    "cloudEvents_source",
    /\/haymaker\//,
  ],
  [
    "a correlation id that is not the run id",
    withProperties({ cloudEvents_correlationid: "run-other" }),
    "attribute",
    "cloudEvents_correlationid",
    /expected the run id "run-20261124-0600-k3f9" of data\.runId, got "run-other"/,
  ],
  [
    "a subject about another run",
    withProperties({ cloudEvents_subject: "runs/run-other" }),
    "attribute",
    "cloudEvents_subject",
    /expected "runs\/run-20261124-0600-k3f9"/,
  ],
  [
    "a negative replay count",
    withProperties({ cloudEvents_replaycount: -1 }),
    "attribute",
    "cloudEvents_replaycount",
    /non-negative/,
  ],
  [
    "a non-JSON content type",
    { ...good, contentType: "text/plain" },
    "attribute",
    "contentType",
    /expected "application\/json", got "text\/plain"/,
  ],
  [
    "a latin-1 charset",
    { ...good, contentType: "application/json; charset=iso-8859-1" },
    "attribute",
    "contentType",
    /application\/json/,
  ],
  ["no body", { ...good, body: undefined }, "body", "body", /no body/],
  [
    "a body that is not JSON",
    { ...good, body: Buffer.from("{not json") },
    "body",
    "body",
    /expected JSON, got 9 characters/,
  ],
  ["a body that is not UTF-8", { ...good, body: Buffer.from([0xff, 0xfe, 0x7b]) }, "body", "body", /UTF-8/],
  [
    "a body that is a JSON array",
    { ...good, body: [1, 2] },
    "body",
    "body",
    /expected a JSON object, got an array of 2 items/,
  ],
  [
    "data of the wrong shape",
    withData({ duration: "8 hours" }),
    "data",
    "data.duration",
    /ISO-8601 duration like PT8H.*got "8 hours"/,
  ],
  ["data missing a field", withData({ runId: undefined }), "data", "data.runId", /is required/],
  [
    "a data field holding a secret",
    withData({ requestedBy: "AccountKey=c2VjcmV0c2VjcmV0" }),
    "data",
    "data.requestedBy",
    /must not contain a secret.*\(not shown\)/,
  ],
  [
    "an unsupported structured format",
    { contentType: "application/cloudevents+avro", body: Buffer.from("x") },
    "body",
    "contentType",
    /unsupported event format "application\/cloudevents\+avro"/,
  ],
  [
    "a structured batch",
    { contentType: "application/cloudevents-batch+json", body: "[]" },
    "body",
    "contentType",
    /unsupported event format/,
  ],
  [
    "a structured body that is not an object",
    { contentType: "application/cloudevents+json", body: '"hello"' },
    "body",
    "body",
    /expected a JSON CloudEvent object, got "hello"/,
  ],
  [
    "structured binary data",
    { contentType: "application/cloudevents+json", body: { ...event, data: undefined, data_base64: "AAEC" } },
    "body",
    "data_base64",
    /binary data is not supported/,
  ],
  [
    "a structured event with a bad attribute",
    { contentType: "application/cloudevents+json", body: { ...event, time: "noon" } },
    "attribute",
    "time",
    /^time: expected an RFC 3339 timestamp/,
  ],
  [
    "a structured event with bad data",
    { contentType: "application/cloudevents+json", body: { ...event, data: { ...event.data, size: "xl" } } },
    "data",
    "data.size",
    /^com\.haymaker\.run\.requested\.v1: data\.size: expected "small", "medium" or "large", got "xl"$/,
  ],
];

describe("decode errors", () => {
  const cases = CASES.map(([what, message, kind, field, text]) => ({ what, message, kind, field, text }));
  it.each(cases)("reports $what as $kind at $field", ({ message, kind, field, text }) => {
    const error = decodeError(message);
    expect(error.kind).toBe(kind);
    expect(error.field).toBe(field);
    expect(error.message).toMatch(text);
    expect(error.message).toContain(field);
  });

  it("truncates long values in messages", () => {
    const error = decodeError(withProperties({ cloudEvents_source: `/haymaker/${"x".repeat(500)}!` }));
    expect(error.message.length).toBeLessThan(200);
    expect(error.message).toContain("(511 characters)");
  });

  it("names the event type for data errors", () => {
    expect(decodeError(withData({ duration: "PT0S" })).eventType).toBe("com.haymaker.run.requested.v1");
  });

  it("decodeEnvelope reports envelope problems the same way", () => {
    const error = decodeError(withProperties({ cloudEvents_time: "soon" }), decodeEnvelope);
    expect([error.kind, error.field]).toEqual(["attribute", "cloudEvents_time"]);
    expect(decodeError({ ...good, body: "[]" }, decodeEnvelope).field).toBe("body");
  });
});

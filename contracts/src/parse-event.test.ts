import type * as v from "valibot";
import { describe, expect, expectTypeOf, it } from "vitest";
import { CLOUDEVENT_ATTRIBUTES, type CloudEvent, type CloudEventSchema, subjectFor } from "./cloudevent.ts";
import { EnvelopeError, EventDataError, UnknownEventTypeError } from "./errors.ts";
import { EXAMPLE_DATA } from "./events/examples.ts";
import { parseCloudEvent, parseEvent } from "./parse-event.ts";

const runId = EXAMPLE_DATA["run.requested"].runId;

function envelope(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    specversion: "1.0",
    id: "0b7e2f4c-7c1e-4a43-9a55-1f0d5e2a9c10",
    source: "/haymaker/gateway",
    type: "com.haymaker.run.requested.v1",
    subject: `runs/${runId}`,
    time: "2026-11-24T06:00:00.000Z",
    datacontenttype: "application/json",
    data: EXAMPLE_DATA["run.requested"],
    correlationid: runId,
    ...overrides,
  };
}

function envelopeError(input: unknown): EnvelopeError {
  try {
    parseEvent(input);
  } catch (error) {
    if (error instanceof EnvelopeError) return error;
    throw error;
  }
  throw new Error("expected an EnvelopeError");
}

describe("CloudEvents envelope", () => {
  it("keeps the schema and the CloudEvent type in step", () => {
    expectTypeOf<v.InferOutput<typeof CloudEventSchema>>().toEqualTypeOf<CloudEvent>();
  });

  it("uses attribute names CloudEvents allows: lowercase letters and digits, at most 20", () => {
    for (const name of CLOUDEVENT_ATTRIBUTES) expect(name).toMatch(/^[a-z0-9]{1,20}$/);
    expect(CLOUDEVENT_ATTRIBUTES).toEqual(
      expect.arrayContaining(["correlationid", "causationid", "traceparent", "tracestate", "replaycount"]),
    );
  });

  it("accepts a full envelope with every extension", () => {
    const input = envelope({
      causationid: "b1d5c8a0-1111-4222-8333-444455556666",
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      tracestate: "congo=t61rcWkgMzE",
      replaycount: 2,
    });
    expect(parseCloudEvent(input)).toEqual(input);
  });

  it.each([
    [{ specversion: "0.3" }, "specversion", /expected "1.0", got "0.3"/],
    [{ id: "" }, "id", /printable characters/],
    [{ id: "has space" }, "id", /printable characters/],
    [{ source: "/other/validate" }, "source", /\/haymaker\/<service>/],
    [{ type: "com.example.run.requested.v1" }, "type", /com\.haymaker\.<noun>\.<verb>\.v<n>/],
    [{ type: "com.haymaker.run.requested" }, "type", /com\.haymaker/],
    [{ subject: "run/x" }, "subject", /runs\/<runId>/],
    [{ time: "yesterday" }, "time", /RFC 3339.*got "yesterday"/],
    [{ datacontenttype: "text/plain" }, "datacontenttype", /expected "application\/json"/],
    [{ data: "not an object" }, "data", /expected a JSON object/],
    [{ data: [1] }, "data", /expected a JSON object/],
    [{ correlationid: undefined }, "correlationid", /is required/],
    [
      { traceparent: "00-00000000000000000000000000000000-00f067aa0ba902b7-01" },
      "traceparent",
      /W3C traceparent/,
    ],
    [{ replaycount: -1 }, "replaycount", /non-negative integer, got -1/],
    [{ replaycount: 1.5 }, "replaycount", /non-negative integer/],
  ])("rejects %j at %s", (overrides, attribute, reason) => {
    const error = envelopeError(envelope(overrides));
    expect(error.attribute).toBe(attribute);
    expect(error.reason).toMatch(reason);
    expect(error.message).toMatch(new RegExp(`^${attribute}: `));
  });
});

describe("parseEvent", () => {
  it("returns a typed event", () => {
    const event = parseEvent(envelope());
    if (event.type !== "com.haymaker.run.requested.v1") throw new Error("narrowing failed");
    expect(event.data.duration).toBe("PT8H");
  });

  it("rejects unknown types and bad data with their own errors", () => {
    expect(() => parseEvent(envelope({ type: "com.haymaker.run.exploded.v1" }))).toThrow(
      UnknownEventTypeError,
    );
    expect(() =>
      parseEvent(envelope({ data: { ...EXAMPLE_DATA["run.requested"], duration: "8h" } })),
    ).toThrow(EventDataError);
  });

  it("requires correlationid to be the run id of the data", () => {
    const error = envelopeError(envelope({ correlationid: "run-other" }));
    expect(error.attribute).toBe("correlationid");
    expect(error.reason).toBe(`expected the run id "${runId}" of data.runId, got "run-other"`);
  });

  it("requires the subject to name the run and agent of the data", () => {
    const data = EXAMPLE_DATA["agent.log"];
    const base = { type: "com.haymaker.agent.log.v1", data, source: "/haymaker/agent" };
    expect(parseEvent(envelope({ ...base, subject: subjectFor(data) })).subject).toBe(
      `runs/${runId}/agents/a01`,
    );
    expect(envelopeError(envelope({ ...base, subject: `runs/${runId}` })).attribute).toBe("subject");
    expect(envelopeError(envelope({ ...base, subject: `runs/${runId}/agents/a02` })).attribute).toBe(
      "subject",
    );
    expect(parseEvent(envelope({ ...base, subject: undefined })).subject).toBeUndefined();
  });

  it("lets requests about no run carry their own correlation id", () => {
    const data = {
      cleanupId: "cleanup-20261124-150000-ab12",
      scenarioId: "vm-start-stop",
      dryRun: true,
      requestedBy: "operator:bob",
    };
    const event = parseEvent(
      envelope({
        type: "com.haymaker.cleanup.requested.v1",
        data,
        subject: undefined,
        correlationid: "req-42",
      }),
    );
    expect(event.correlationid).toBe("req-42");
  });
});

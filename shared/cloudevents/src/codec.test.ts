import type { ServiceBusMessage, ServiceBusReceivedMessage } from "@azure/service-bus";
import { EVENT_NAMES, type EventName, EXAMPLE_DATA, type HayMakerEvent } from "@haymaker/contracts";
import { describe, expect, expectTypeOf, it } from "vitest";
import { decodeEnvelope, decodeEvent } from "./decode.ts";
import { encodeEvent } from "./encode.ts";
import type { IncomingMessage, OutgoingMessage } from "./messages.ts";
import { newEvent } from "./new-event.ts";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

function example(name: EventName): HayMakerEvent {
  return newEvent(name, {
    source: "/haymaker/test",
    data: EXAMPLE_DATA[name] as never,
    causationid: "9f1c2d3e-0000-4000-8000-000000000000",
    traceparent: TRACEPARENT,
  });
}

/** What a receiver sees of a sent message: the SDK hands back the same fields. */
function received(message: OutgoingMessage, changes: Partial<IncomingMessage> = {}): IncomingMessage {
  return { ...message, ...changes };
}

/** The application properties renamed to the older "cloudEvents:" prefix. */
function withColonPrefix(properties: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(properties).map(([key, value]) => [key.replace("cloudEvents_", "cloudEvents:"), value]),
  );
}

describe("encodeEvent", () => {
  it("writes binary mode: attributes as cloudEvents_ properties, data as the UTF-8 JSON body", () => {
    const event = example("agent.finished");
    const message = encodeEvent(event);
    expect(message.contentType).toBe("application/json");
    expect(message.messageId).toBe(event.id);
    expect(message.correlationId).toBe(event.data.runId);
    expect(message.subject).toBe("runs/run-20261124-0600-k3f9/agents/a01");
    expect(Buffer.isBuffer(message.body)).toBe(true);
    expect(JSON.parse(message.body.toString("utf8"))).toEqual(event.data);
    expect(message.applicationProperties).toEqual({
      cloudEvents_specversion: "1.0",
      cloudEvents_id: event.id,
      cloudEvents_source: "/haymaker/test",
      cloudEvents_type: "com.haymaker.agent.finished.v1",
      cloudEvents_subject: "runs/run-20261124-0600-k3f9/agents/a01",
      cloudEvents_time: new Date(event.time),
      cloudEvents_correlationid: "run-20261124-0600-k3f9",
      cloudEvents_causationid: "9f1c2d3e-0000-4000-8000-000000000000",
      cloudEvents_traceparent: TRACEPARENT,
    });
    expect(message.applicationProperties.cloudEvents_time).toBeInstanceOf(Date);
  });

  it("writes replaycount as a number and leaves absent attributes out", () => {
    const event = { ...example("run.failed"), replaycount: 3, tracestate: "a=b" };
    const properties = encodeEvent(event).applicationProperties;
    expect(properties.cloudEvents_replaycount).toBe(3);
    expect(properties.cloudEvents_tracestate).toBe("a=b");
    const { causationid: _c, traceparent: _t, ...bare } = example("run.failed");
    expect(Object.keys(encodeEvent(bare).applicationProperties)).not.toContain("cloudEvents_causationid");
  });

  it("refuses to encode an invalid event", () => {
    const event = example("run.requested");
    expect(() =>
      encodeEvent({ ...event, data: { ...event.data, duration: "forever" } } as HayMakerEvent),
    ).toThrow(/data\.duration/);
  });

  it("produces messages the Service Bus SDK accepts and decodes what it receives", () => {
    expectTypeOf<OutgoingMessage>().toExtend<ServiceBusMessage>();
    expectTypeOf<ServiceBusReceivedMessage>().toExtend<IncomingMessage>();
  });
});

describe("round trips", () => {
  it.each(EVENT_NAMES)("%s survives encode → decode", (name) => {
    const event = example(name);
    expect(decodeEvent(received(encodeEvent(event)))).toEqual(event);
  });

  it("keeps replaycount and tracestate", () => {
    const event = { ...example("agent.log"), replaycount: 1, tracestate: "congo=t61rcWkgMzE" };
    expect(decodeEvent(received(encodeEvent(event)))).toEqual(event);
  });

  it("reads the older cloudEvents: prefix", () => {
    const event = example("identity.provisioned");
    const message = encodeEvent(event);
    expect(
      decodeEvent(
        received(message, { applicationProperties: withColonPrefix(message.applicationProperties) }),
      ),
    ).toEqual(event);
  });

  it("reads time as a Date or as an RFC 3339 string", () => {
    const event = example("agent.progress");
    const message = encodeEvent(event);
    const asString = { ...message.applicationProperties, cloudEvents_time: "2026-11-24T06:00:00+01:00" };
    expect(decodeEvent(received(message, { applicationProperties: asString })).time).toBe(
      "2026-11-24T06:00:00+01:00",
    );
    expect(decodeEvent(received(message)).time).toBe(event.time);
  });

  it("reads time as epoch milliseconds, as @azure/service-bus receivers hand Dates over", () => {
    const event = example("agent.progress");
    const message = encodeEvent(event);
    const asNumber = { ...message.applicationProperties, cloudEvents_time: Date.parse(event.time) };
    expect(decodeEvent(received(message, { applicationProperties: asNumber })).time).toBe(
      new Date(event.time).toISOString(),
    );
  });

  it("normalizes time to UTC milliseconds on the wire, since an AMQP timestamp holds no more", () => {
    const event = { ...example("run.failed"), time: "2026-11-24T07:00:00.123456+01:00" };
    expect(decodeEvent(received(encodeEvent(event))).time).toBe("2026-11-24T06:00:00.123Z");
  });

  it.each([
    ["an object the SDK already parsed", (body: Buffer) => JSON.parse(body.toString("utf8"))],
    ["a string", (body: Buffer) => body.toString("utf8")],
    ["a Uint8Array", (body: Buffer) => new Uint8Array(body)],
    ["a Buffer", (body: Buffer) => body],
  ])("reads the body as %s", (_, convert) => {
    const event = example("cleanup.required");
    const message = encodeEvent(event);
    expect(decodeEvent(received(message, { body: convert(message.body) }))).toEqual(event);
  });

  it("accepts a charset parameter and a missing content type", () => {
    const event = example("run.completed");
    const message = encodeEvent(event);
    expect(decodeEvent(received(message, { contentType: "application/json; charset=utf-8" }))).toEqual(event);
    expect(decodeEvent(received(message, { contentType: undefined }))).toEqual(event);
  });

  it("reads replaycount written as a canonical string", () => {
    const event = example("run.failed");
    const message = encodeEvent(event);
    const properties = { ...message.applicationProperties, cloudEvents_replaycount: "2" };
    expect(decodeEvent(received(message, { applicationProperties: properties })).replaycount).toBe(2);
  });

  it("ignores application properties that are not CloudEvents attributes", () => {
    const event = example("agent.check");
    const message = encodeEvent(event);
    const properties = {
      ...message.applicationProperties,
      DeadLetterReason: "x",
      cloudEvents_unknownext: "y",
    };
    expect(decodeEvent(received(message, { applicationProperties: properties }))).toEqual(event);
  });
});

describe("structured mode", () => {
  it.each([
    ["application/cloudevents+json", (event: HayMakerEvent) => Buffer.from(JSON.stringify(event))],
    ["application/cloudevents+json; charset=utf-8", (event: HayMakerEvent) => JSON.stringify(event)],
    ["Application/CloudEvents+JSON", (event: HayMakerEvent) => structuredClone(event)],
  ])("reads %s", (contentType, body) => {
    const event = example("agent.deployed");
    expect(decodeEvent({ contentType, body: body(event) })).toEqual(event);
  });

  it("takes a missing datacontenttype to mean JSON", () => {
    const { datacontenttype: _, ...event } = example("run.rejected");
    expect(
      decodeEvent({ contentType: "application/cloudevents+json", body: JSON.stringify(event) })
        .datacontenttype,
    ).toBe("application/json");
  });
});

describe("decodeEnvelope", () => {
  it("reads events of any type without checking their data", () => {
    const event = example("agent.log");
    const message = encodeEvent(event);
    const properties = {
      ...message.applicationProperties,
      cloudEvents_type: "com.haymaker.agent.dreamed.v1",
    };
    const envelope = decodeEnvelope(
      received(message, { applicationProperties: properties, body: '{"anything":1}' }),
    );
    expect(envelope.type).toBe("com.haymaker.agent.dreamed.v1");
    expect(envelope.data).toEqual({ anything: 1 });
  });
});

import { EnvelopeError, EventDataError, type EventOf, EXAMPLE_DATA } from "@haymaker/contracts";
import { describe, expect, expectTypeOf, it } from "vitest";
import { deterministicEventId, newEvent } from "./new-event.ts";

describe("newEvent", () => {
  it("fills id, time, specversion, datacontenttype, subject and correlation id", () => {
    const before = Date.now();
    const event = newEvent("agent.progress", {
      source: "/haymaker/agent",
      data: EXAMPLE_DATA["agent.progress"],
    });
    expectTypeOf(event).toEqualTypeOf<EventOf<"agent.progress">>();
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Date.parse(event.time)).toBeGreaterThanOrEqual(before);
    expect(event).toMatchObject({
      specversion: "1.0",
      type: "com.haymaker.agent.progress.v1",
      datacontenttype: "application/json",
      subject: "runs/run-20261124-0600-k3f9/agents/a01",
      correlationid: "run-20261124-0600-k3f9",
    });
    expect(event).not.toHaveProperty("causationid");
  });

  it("accepts the full CloudEvents type and explicit attributes", () => {
    const event = newEvent("com.haymaker.run.failed.v1", {
      source: "/haymaker/select",
      data: EXAMPLE_DATA["run.failed"],
      subject: "runs/run-20261124-0600-k3f9",
      correlationid: "run-20261124-0600-k3f9",
      causationid: "3d6f0a6e-1111-4222-8333-444455556666",
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      tracestate: "haymaker=1",
    });
    expectTypeOf(event.data.phase).toEqualTypeOf<
      | "validate"
      | "select"
      | "provision"
      | "deploy"
      | "monitor"
      | "verify-cleanup"
      | "force-cleanup"
      | "report"
    >();
    expect(event.causationid).toBe("3d6f0a6e-1111-4222-8333-444455556666");
  });

  it("fills data defaults", () => {
    const { tags: _, ...data } = EXAMPLE_DATA["run.requested"];
    expect(newEvent("run.requested", { source: "/haymaker/scheduler", data }).data.tags).toEqual({});
  });

  it("needs a correlation id for requests about no run", () => {
    const data = {
      cleanupId: "cleanup-20261124-150000-ab12",
      scenarioId: "vm-start-stop",
      dryRun: true,
      requestedBy: "operator:bob",
    };
    expect(() => newEvent("cleanup.requested", { source: "/haymaker/gateway", data })).toThrow(EnvelopeError);
    const event = newEvent("cleanup.requested", {
      source: "/haymaker/gateway",
      data,
      correlationid: "req-7",
    });
    expect(event).not.toHaveProperty("subject");
    expect(event.correlationid).toBe("req-7");
  });

  it("refuses invalid data and envelopes", () => {
    const data = { ...EXAMPLE_DATA["agent.log"], message: "" };
    expect(() => newEvent("agent.log", { source: "/haymaker/agent", data })).toThrow(EventDataError);
    expect(() => newEvent("agent.log", { source: "agent", data: EXAMPLE_DATA["agent.log"] })).toThrow(
      /^source: /,
    );
    expect(() =>
      newEvent("agent.log", {
        source: "/haymaker/agent",
        data: EXAMPLE_DATA["agent.log"],
        correlationid: "other",
      }),
    ).toThrow(/^correlationid: /);
  });

  it("takes a given id, and derives the same id from the same parts every time", () => {
    const id = deterministicEventId("run-1", "a01", "agent.selected");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicEventId("run-1", "a01", "agent.selected")).toBe(id);
    expect(deterministicEventId("run-1", "a02", "agent.selected")).not.toBe(id);
    const event = newEvent("run.failed", { source: "/haymaker/test", id, data: EXAMPLE_DATA["run.failed"] });
    expect(event.id).toBe(id);
  });
});

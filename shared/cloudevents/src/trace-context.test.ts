import { EXAMPLE_DATA } from "@haymaker/contracts";
import { describe, expect, it } from "vitest";
import { newEvent } from "./new-event.ts";
import {
  childTraceparent,
  currentTraceContext,
  isTraceparent,
  newTraceparent,
  traceIdOf,
  withTraceContext,
} from "./trace-context.ts";

const PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const progress = () =>
  newEvent("agent.progress", { source: "/haymaker/test", data: EXAMPLE_DATA["agent.progress"] });

describe("trace context", () => {
  it("gives events made inside a trace a child traceparent: same trace and flags, a new parent id", async () => {
    const events = await withTraceContext({ traceparent: PARENT, tracestate: "haymaker=1" }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return [progress(), progress()];
    });
    for (const event of events) {
      expect(event.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
      expect(event.traceparent).not.toBe(PARENT);
      expect(event.tracestate).toBe("haymaker=1");
    }
    expect(events[0]?.traceparent).not.toBe(events[1]?.traceparent);
    expect(currentTraceContext()).toBeUndefined();
  });

  it("leaves events outside a trace without one, and keeps a traceparent the caller sets", () => {
    expect(progress()).not.toHaveProperty("traceparent");
    const own = newTraceparent();
    const event = withTraceContext({ traceparent: PARENT }, () =>
      newEvent("agent.progress", {
        source: "/haymaker/test",
        data: EXAMPLE_DATA["agent.progress"],
        traceparent: own,
      }),
    );
    expect(event.traceparent).toBe(own);
  });

  it("ignores a malformed traceparent instead of failing the work", () => {
    for (const bad of ["", "00-xyz", `ff-${PARENT.slice(3)}`, `00-${"0".repeat(32)}-00f067aa0ba902b7-01`]) {
      expect(isTraceparent(bad)).toBe(false);
      expect(withTraceContext({ traceparent: bad }, () => progress())).not.toHaveProperty("traceparent");
    }
  });

  it("makes and reads traceparents", () => {
    expect(isTraceparent(PARENT)).toBe(true);
    expect(traceIdOf(PARENT)).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(newTraceparent("4bf92f3577b34da6a3ce929d0e0e4736")).toMatch(
      /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/,
    );
    expect(childTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")).toMatch(/-00$/);
    expect(() => childTraceparent("nope")).toThrow("not a W3C traceparent");
  });
});

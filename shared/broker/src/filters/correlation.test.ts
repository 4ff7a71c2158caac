import { describe, expect, it } from "vitest";
import type { FilterableMessage, SystemProperties } from "./message.ts";
import { correlationRule } from "./rules.ts";

function message(system: SystemProperties, user: Record<string, unknown> = {}): FilterableMessage {
  return { system, user };
}

describe("correlationRule", () => {
  it("matches each system field by exact, case-sensitive string equality", () => {
    const system: SystemProperties = {
      correlationId: "c",
      messageId: "m",
      to: "t",
      replyTo: "r",
      label: "l",
      sessionId: "s",
      replyToSessionId: "rs",
      contentType: "ct",
    };
    for (const [field, value] of Object.entries(system)) {
      const rule = correlationRule("r", { [field]: value });
      expect(rule.matches(message(system)), field).toBe(true);
      expect(rule.matches(message({ ...system, [field]: value.toUpperCase() })), field).toBe(false);
      expect(rule.matches(message({ ...system, [field]: undefined })), field).toBe(false);
    }
  });

  it("requires every specified field (AND)", () => {
    const rule = correlationRule("r", { label: "red", correlationId: "high" });
    expect(rule.matches(message({ label: "red", correlationId: "high" }))).toBe(true);
    expect(rule.matches(message({ label: "red", correlationId: "low" }))).toBe(false);
    expect(rule.matches(message({ label: "red" }))).toBe(false);
  });

  it("ignores fields left undefined", () => {
    const rule = correlationRule("r", { label: "red", to: undefined });
    expect(rule.matches(message({ label: "red", to: "x" }))).toBe(true);
  });

  it("matches application properties by exact key with type-aware equality", () => {
    const rule = correlationRule("r", { properties: { prop1: "abc", n: 5, flag: true } });
    expect(rule.matches(message({}, { prop1: "abc", n: 5, flag: true }))).toBe(true);
    expect(rule.matches(message({}, { prop1: "abc", n: 5n, flag: true, extra: 1 }))).toBe(true);
    expect(rule.matches(message({}, { prop1: "abc", n: 5.0, flag: true }))).toBe(true);
    expect(rule.matches(message({}, { prop1: "abc", n: "5", flag: true }))).toBe(false);
    expect(rule.matches(message({}, { prop1: "abc", n: 5, flag: "true" }))).toBe(false);
    expect(rule.matches(message({}, { prop1: "ABC", n: 5, flag: true }))).toBe(false);
    expect(rule.matches(message({}, { Prop1: "abc", n: 5, flag: true }))).toBe(false);
    expect(rule.matches(message({}, { n: 5, flag: true }))).toBe(false);
  });

  it("does not mistake inherited members for properties", () => {
    const rule = correlationRule("r", { properties: { constructor: "x" } });
    expect(rule.matches(message({}, {}))).toBe(false);
  });

  it("combines system fields and properties", () => {
    const rule = correlationRule("r", {
      label: "abc",
      replyTo: "xdeu@hotmail.com",
      properties: { prop2: "xyz" },
    });
    expect(rule.matches(message({ label: "abc", replyTo: "xdeu@hotmail.com" }, { prop2: "xyz" }))).toBe(true);
    expect(rule.matches(message({ label: "abc", replyTo: "xdeu@hotmail.com" }, { prop2: "xy" }))).toBe(false);
  });

  it("matches nothing when the spec names no field", () => {
    expect(correlationRule("r", {}).matches(message({ label: "x" }, { a: 1 }))).toBe(false);
    expect(correlationRule("r", { properties: {} }).matches(message({}))).toBe(false);
    expect(correlationRule("r", { label: undefined }).matches(message({}))).toBe(false);
  });

  it("runs its action", () => {
    const rule = correlationRule("r", { label: "x" }, "SET routed = TRUE");
    const m = message({ label: "x" });
    rule.apply(m);
    expect(m.user).toEqual({ routed: true });
  });
});

import { describe, expect, it } from "vitest";
import { FilterSyntaxError } from "./filter-syntax-error.ts";
import type { FilterableMessage, SystemProperties } from "./message.ts";
import { sqlRule } from "./rules.ts";

function run(
  action: string,
  user: Record<string, unknown> = {},
  system: SystemProperties = {},
): FilterableMessage {
  const m: FilterableMessage = { system: { ...system }, user: { ...user } };
  sqlRule("r", "1=1", action).apply(m);
  return m;
}

describe("SET", () => {
  it("creates and updates user properties", () => {
    expect(run("SET a = 1").user).toEqual({ a: 1 });
    expect(run("SET user.a = 'x'", { a: 1 }).user).toEqual({ a: "x" });
    expect(run("set [odd name] = TRUE").user).toEqual({ "odd name": true });
  });

  it("evaluates expressions against the message, as in the documented quantity example", () => {
    expect(run("SET quantity = quantity / 2;", { quantity: 10 }).user).toEqual({ quantity: 5 });
    expect(run("SET full = first + ' ' + last", { first: "Ada", last: "L" }).user.full).toBe("Ada L");
    expect(run("SET n = -n * 2", { n: 3 }).user.n).toBe(-6);
    expect(run("SET label = sys.Label", {}, { label: "L" }).user.label).toBe("L");
  });

  it("stores NULL for an unknown result", () => {
    expect(run("SET a = missing + 1").user).toEqual({ a: null });
    expect(run("SET a = NULL", { a: 1 }).user).toEqual({ a: null });
  });

  it("updates an existing property whatever its case, keeping its spelling", () => {
    expect(run("SET COLOR = 'blue'", { Color: "red" }).user).toEqual({ Color: "blue" });
  });

  it("can set a property called __proto__ without touching the prototype", () => {
    const m = run("SET [__proto__] = 1");
    expect(Object.getPrototypeOf(m.user)).toBe(Object.prototype);
    expect(Object.hasOwn(m.user, "__proto__")).toBe(true);
  });

  it("writes the writable system properties, converting numbers and booleans to strings", () => {
    const m = run(
      "SET sys.Label = 'l'; SET sys.Subject = sys.Subject + '!'; SET sys.To = 'to'; SET sys.ReplyTo = 'rt'; " +
        "SET sys.CorrelationId = 7; SET sys.ContentType = 'text/plain'; SET sys.SessionId = 's'; " +
        "SET sys.ReplyToSessionId = 'rs'; SET sys.MessageId = TRUE",
    );
    expect(m.system).toEqual({
      label: "l!",
      to: "to",
      replyTo: "rt",
      correlationId: "7",
      contentType: "text/plain",
      sessionId: "s",
      replyToSessionId: "rs",
      messageId: "true",
    });
  });

  it("clears a system property set to NULL", () => {
    expect(run("SET sys.To = NULL", {}, { to: "x" }).system).toEqual({});
  });
});

describe("REMOVE", () => {
  it("removes user properties case-insensitively and ignores missing ones", () => {
    expect(run("REMOVE a", { a: 1, b: 2 }).user).toEqual({ b: 2 });
    expect(run("REMOVE user.A", { a: 1 }).user).toEqual({});
    expect(run("REMOVE nothing", { a: 1 }).user).toEqual({ a: 1 });
  });

  it("removes writable system properties", () => {
    expect(run("REMOVE sys.ReplyTo", {}, { replyTo: "q", to: "t" }).system).toEqual({ to: "t" });
  });
});

describe("statement lists", () => {
  it("runs statements in order, each seeing the previous ones' effects", () => {
    expect(run("SET a = 1; SET b = a + 1; REMOVE a").user).toEqual({ b: 2 });
  });

  it("accepts optional and repeated semicolons", () => {
    expect(run("SET a = 1 SET b = 2").user).toEqual({ a: 1, b: 2 });
    expect(run(";SET a = 1;; REMOVE b;", { b: 1 }).user).toEqual({ a: 1 });
  });

  it("treats a blank action as none", () => {
    expect(run("   ", { a: 1 }).user).toEqual({ a: 1 });
  });
});

describe("action errors", () => {
  const error = (action: string) => {
    try {
      sqlRule("r", "1=1", action);
    } catch (e) {
      expect(e).toBeInstanceOf(FilterSyntaxError);
      expect((e as FilterSyntaxError).expression).toBe(action);
      return (e as FilterSyntaxError).message;
    }
    throw new Error(`expected ${action} to fail`);
  };

  it.each([
    ["UPDATE a = 1", 'Expected SET or REMOVE at position 0 but found "UPDATE"'],
    [";", 'Expected SET or REMOVE after ";" at position 1 but found end of expression'],
    ["SET a 1", 'Expected "=" after "a" at position 6 but found "1"'],
    ["SET a =", 'Expected a value after "=" at position 7 but found end of expression'],
    ["SET a = 1 b = 2", 'Expected ";" or an operator after "1" at position 10 but found "b"'],
    ["SET a = b = 2", 'Expected ";" or an operator after "b" at position 10 but found "="'],
    ["SET a = (b = 2)", 'Expected a value at position 8 but found the condition "(b = 2)"'],
    ["REMOVE 'a'", 'Expected a property name after "REMOVE" at position 7 but found "\'a\'"'],
    ["SET AND = 1", 'Expected a property name after "SET" at position 4 but found "AND"'],
    [
      "SET sys.SequenceNumber = 1",
      "sys.SequenceNumber at position 4 cannot be changed by a rule action; writable system properties are " +
        "sys.MessageId, sys.CorrelationId, sys.To, sys.ReplyTo, sys.Label, sys.Subject, sys.SessionId, " +
        "sys.ReplyToSessionId, sys.ContentType",
    ],
    ["REMOVE sys.Size", expect.stringContaining("sys.Size at position 7 cannot be changed by a rule action")],
    ["SET sys.Nope = 1", expect.stringContaining('Unknown system property "sys.Nope" at position 4')],
  ])("%j", (action, message) => {
    expect(error(action)).toEqual(message);
  });
});

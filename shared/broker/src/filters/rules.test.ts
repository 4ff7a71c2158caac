import { describe, expect, it } from "vitest";
import {
  correlationRule,
  evaluateRules,
  type FilterableMessage,
  FilterSyntaxError,
  type Rule,
  sqlRule,
  trueRule,
} from "./index.ts";

function message(user: Record<string, unknown> = {}, label?: string): FilterableMessage {
  return { system: label === undefined ? {} : { label }, user };
}

describe("trueRule", () => {
  it("is the $Default rule and matches everything without changing it", () => {
    const rule = trueRule();
    expect(rule.name).toBe("$Default");
    expect(rule.matches(message())).toBe(true);
    const m = message({ a: 1 });
    rule.apply(m);
    expect(m).toEqual(message({ a: 1 }));
    expect(trueRule("All").name).toBe("All");
  });
});

describe("sqlRule", () => {
  it("keeps its name and runs no action without one", () => {
    const rule = sqlRule("red", "color = 'red'");
    expect(rule.name).toBe("red");
    const m = message({ color: "red" });
    rule.apply(m);
    expect(m.user).toEqual({ color: "red" });
  });

  it("compiles once and evaluates many messages", () => {
    const rule = sqlRule("r", "user.type = 'x' AND sys.Label LIKE 'a%'");
    expect(rule.matches(message({ type: "x" }, "abc"))).toBe(true);
    expect(rule.matches(message({ type: "x" }, "bcd"))).toBe(false);
    expect(rule.matches(message({ type: "y" }, "abc"))).toBe(false);
    expect(rule.matches(message({}, "abc"))).toBe(false);
  });
});

describe("evaluateRules", () => {
  it("returns undefined when no rule matches, including for an empty rule list", () => {
    expect(evaluateRules([sqlRule("a", "x = 1"), sqlRule("b", "x = 2")], message({ x: 3 }))).toBeUndefined();
    expect(evaluateRules([], message())).toBeUndefined();
  });

  it("delivers once when several rules without actions match", () => {
    const result = evaluateRules(
      [sqlRule("a", "x > 0"), sqlRule("b", "x < 10"), trueRule()],
      message({ x: 5 }),
    );
    expect(result).toEqual(message({ x: 5 }));
  });

  it("applies every matching rule's action in rule order, and only those", () => {
    const rules: Rule[] = [
      sqlRule("double", "x > 0", "SET x = x * 2; SET trail = 'double'"),
      sqlRule("skipped", "x < 0", "SET skipped = TRUE"),
      correlationRule("corr", { label: "L" }, "SET trail = trail + ',corr'"),
      sqlRule("plain", "1=1"),
      sqlRule("inc", "x = 5", "SET x = x + 1; SET trail = trail + ',inc'"),
    ];
    const result = evaluateRules(rules, message({ x: 5 }, "L"));
    expect(result?.user).toEqual({ x: 11, trail: "double,corr,inc" });
  });

  it("evaluates every filter against the message as sent, not as an earlier action left it", () => {
    const rules = [sqlRule("first", "x = 1", "SET x = 2"), sqlRule("second", "x = 2", "SET hit = TRUE")];
    const result = evaluateRules(rules, message({ x: 1 }));
    expect(result?.user).toEqual({ x: 2 });
  });

  it("never mutates its input, and returns a fresh copy each time", () => {
    const input = message({ x: 1 }, "L");
    const frozen = structuredClone(input);
    const rules = [sqlRule("r", "x = 1", "SET x = 99; SET sys.Label = 'changed'; REMOVE gone")];
    input.user.gone = true;
    frozen.user.gone = true;
    const first = evaluateRules(rules, input);
    const second = evaluateRules(rules, input);
    expect(input).toEqual(frozen);
    expect(first).toEqual({ system: { label: "changed" }, user: { x: 99 } });
    expect(first).not.toBe(second);
    expect(first?.user).not.toBe(second?.user);
    expect(evaluateRules([trueRule()], input)).not.toBe(input);
  });
});

describe("exports", () => {
  it("exposes FilterSyntaxError with expression and position", () => {
    const error = new FilterSyntaxError("m", "expr", 3);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("FilterSyntaxError");
    expect([error.message, error.expression, error.position]).toEqual(["m", "expr", 3]);
  });
});

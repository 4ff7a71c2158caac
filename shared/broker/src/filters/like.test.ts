import { describe, expect, it } from "vitest";
import { compileLike, LikePatternError } from "./like.ts";
import type { FilterableMessage } from "./message.ts";
import { sqlRule } from "./rules.ts";

const like = (pattern: string, text: string, escapeChar?: string) => compileLike(pattern, escapeChar)(text);

describe("compileLike", () => {
  it.each([
    ["abc", "abc", true],
    ["abc", "abcd", false],
    ["abc", "ABC", false],
    ["", "", true],
    ["", "a", false],
    ["%", "", true],
    ["%", "anything", true],
    ["%%", "x", true],
    ["a%", "abc", true],
    ["a%", "bac", false],
    ["%c", "abc", true],
    ["%c", "cab", false],
    ["%b%", "abc", true],
    ["%b%", "acd", false],
    ["_", "a", true],
    ["_", "", false],
    ["_", "ab", false],
    ["a_c", "abc", true],
    ["a_c", "ac", false],
    ["a%c%e", "abcde", true],
    ["a%c%e", "abcdef", false],
    ["%a%a%", "banana", true],
    ["%ana", "banana", true],
    ["b%n_n_", "banana", true],
    ["%_%_%", "ab", true],
    ["%_%_%", "a", false],
    ["a%%b", "ab", true],
    ["line%", "line1\nline2", true],
    ["_", "\n", true],
  ])("%j LIKE %j is %s", (pattern, text, expected) => {
    expect(like(pattern, text)).toBe(expected);
  });

  it("treats regex metacharacters as plain text", () => {
    expect(like("a.c", "abc")).toBe(false);
    expect(like("a.c", "a.c")).toBe(true);
    expect(like("(x)+[y]*{2}|^$\\d?", "(x)+[y]*{2}|^$\\d?")).toBe(true);
    expect(like("%.*%", "a.*b")).toBe(true);
    expect(like("%.*%", "ab")).toBe(false);
    expect(like("\\%", "\\anything")).toBe(true);
  });

  it("makes the character after ESCAPE literal", () => {
    expect(like("ABC\\%", "ABC%", "\\")).toBe(true);
    expect(like("ABC\\%", "ABCD", "\\")).toBe(false);
    expect(like("a!_c", "a_c", "!")).toBe(true);
    expect(like("a!_c", "abc", "!")).toBe(false);
    expect(like("a!!b", "a!b", "!")).toBe(true);
    expect(like("%!%%", "50% off", "!")).toBe(true);
    expect(like("%!%%", "50 off", "!")).toBe(false);
    expect(like("a!bc", "abc", "!")).toBe(true);
    expect(like("100%%", "100%", "%")).toBe(true);
    expect(like("100%%", "1000", "%")).toBe(false);
  });

  it("counts a surrogate pair as one character", () => {
    expect(like("_", "😀")).toBe(true);
    expect(like("__", "😀")).toBe(false);
    expect(like("a_b", "a😀b")).toBe(true);
    expect(like("%_%_%", "😀")).toBe(false);
    expect(like("%😀", "x😀")).toBe(true);
  });

  it("rejects a dangling escape and a multi-character escape", () => {
    expect(() => compileLike("ab!", "!")).toThrow(LikePatternError);
    expect(() => compileLike("ab", "!!")).toThrow(LikePatternError);
    expect(() => compileLike("ab", "")).toThrow(LikePatternError);
  });

  it("stays fast on patterns that make backtracking regexes explode", () => {
    const text = "a".repeat(20_000);
    const started = performance.now();
    expect(like("%a%a%a%a%a%a%a%a%b", text)).toBe(false);
    expect(like("%_a_a_a_a_a_b%", text)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("LIKE in filters", () => {
  const m = (user: Record<string, unknown>, label?: string): FilterableMessage => ({
    system: label === undefined ? {} : { label },
    user,
  });
  const matches = (filter: string, message: FilterableMessage) => sqlRule("r", filter).matches(message);

  it("matches system and user properties, NOT LIKE negates", () => {
    expect(matches("sys.Label LIKE '%bus%'", m({}, "the bus stop"))).toBe(true);
    expect(matches("sys.Label NOT LIKE '%bus%'", m({}, "the bus stop"))).toBe(false);
    expect(matches("sys.Label NOT LIKE '%car%'", m({}, "the bus stop"))).toBe(true);
    expect(matches("name LIKE 'J_n%'", m({ name: "Jane" }))).toBe(true);
  });

  it("supports ESCAPE, including the documented example", () => {
    expect(matches("p LIKE 'ABC\\%' ESCAPE '\\'", m({ p: "ABC%" }))).toBe(true);
    expect(matches("p LIKE 'ABC\\%' ESCAPE '\\'", m({ p: "ABCD" }))).toBe(false);
    expect(matches("p LIKE '%[%]%'", m({ p: "x[%]y" }))).toBe(true);
    expect(matches("p LIKE 'a''b%'", m({ p: "a'bc" }))).toBe(true);
  });

  it("is unknown for a missing property or a non-string value", () => {
    expect(matches("p LIKE '%'", m({}))).toBe(false);
    expect(matches("p NOT LIKE 'x%'", m({}))).toBe(false);
    expect(matches("p LIKE '5%'", m({ p: 55 }))).toBe(false);
    expect(matches("p NOT LIKE '5%'", m({ p: 55 }))).toBe(false);
    expect(matches("p LIKE NULL", m({ p: "x" }))).toBe(false);
    expect(matches("p NOT LIKE NULL", m({ p: "x" }))).toBe(false);
    expect(matches("p LIKE 'x' ESCAPE NULL", m({ p: "x" }))).toBe(false);
  });

  it("takes patterns and escapes from the message, compiling each distinct one", () => {
    const rule = sqlRule("r", "p LIKE q ESCAPE e");
    expect(rule.matches(m({ p: "a%", q: "a!%", e: "!" }))).toBe(true);
    expect(rule.matches(m({ p: "ab", q: "a!%", e: "!" }))).toBe(false);
    expect(rule.matches(m({ p: "ab", q: "a%", e: "!" }))).toBe(true);
    expect(rule.matches(m({ p: "ab", q: "a!", e: "!" }))).toBe(false);
    expect(rule.matches(m({ p: "ab", q: "a%", e: "!!" }))).toBe(false);
    expect(rule.matches(m({ p: "ab", q: 5, e: "!" }))).toBe(false);
    expect(rule.matches(m({ p: "ab", q: "a%", e: "!" }))).toBe(true);
    expect(sqlRule("r", "p LIKE q + '%'").matches(m({ p: "abc", q: "ab" }))).toBe(true);
  });
});

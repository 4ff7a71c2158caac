import { describe, expect, it } from "vitest";
import { FilterSyntaxError } from "./filter-syntax-error.ts";
import { tokenize } from "./lexer.ts";

const kinds = (source: string) => tokenize(source).map((t) => [t.kind, t.value]);

describe("tokenize", () => {
  it("splits words, operators and literals and ends with an end token", () => {
    expect(kinds("user.color<>'red'")).toEqual([
      ["word", "user"],
      ["operator", "."],
      ["word", "color"],
      ["operator", "<>"],
      ["string", "red"],
      ["end", ""],
    ]);
  });

  it("prefers the longest operator", () => {
    expect(kinds("<= >= <> != < > =").map(([, v]) => v)).toEqual(["<=", ">=", "<>", "!=", "<", ">", "=", ""]);
  });

  it("unescapes doubled quotes in strings and doubled brackets in delimited names", () => {
    expect(kinds("'it''s' [a]]b] \"x\"\"y\"")).toEqual([
      ["string", "it's"],
      ["name", "a]b"],
      ["name", 'x"y'],
      ["end", ""],
    ]);
  });

  it("keeps any characters inside a delimited name", () => {
    expect(kinds("[HR-Employee ID.%]")[0]).toEqual(["name", "HR-Employee ID.%"]);
  });

  it("reads integers, decimals and scientific notation", () => {
    expect(kinds("42 4.2 .5 2. 101.5E5 0.5e-2").map(([, v]) => v)).toEqual([
      "42",
      "4.2",
      ".5",
      "2.",
      "101.5E5",
      "0.5e-2",
      "",
    ]);
  });

  it("marks keywords case-insensitively but never delimited names", () => {
    const [and, not, bracketed] = tokenize("aNd NOT [NOT]");
    expect(and?.keyword).toBe("AND");
    expect(not?.keyword).toBe("NOT");
    expect(bracketed?.keyword).toBeUndefined();
  });

  it("accepts Unicode letters and digits in identifiers", () => {
    expect(kinds("größe_2 = 1")[0]).toEqual(["word", "größe_2"]);
  });

  it("records positions", () => {
    const [a, eq, b] = tokenize("  ab = 'c'");
    expect([a?.start, a?.end, eq?.start, b?.start, b?.end]).toEqual([2, 4, 5, 7, 10]);
  });

  it.each([
    ["'abc", "Unterminated string literal starting at position 0: missing closing '", 0],
    ["[abc", "Unterminated [delimited name] starting at position 0: missing closing ]", 0],
    ["x = []", "Empty [delimited name] at position 4", 4],
    ['"abc', 'Unterminated quoted identifier starting at position 0: missing closing "', 0],
    ["a = 1e", 'Expected digits in the exponent of "1e" at position 6', 6],
    ["a = 12abc", 'Unexpected "a" right after the number "12" at position 6', 6],
    ["a # b", 'Unexpected character "#" at position 2', 2],
    [
      "a = @p",
      'Unexpected character "@" at position 4 (filter parameters are not supported; write the value inline)',
      4,
    ],
  ])("rejects %j", (source, message, position) => {
    expect(() => tokenize(source)).toThrow(FilterSyntaxError);
    expect(() => tokenize(source)).toThrow(
      expect.objectContaining({ message, position, expression: source }),
    );
  });
});

import { describe, expect, it } from "vitest";
import { FilterSyntaxError } from "./filter-syntax-error.ts";
import { MAX_NESTING_DEPTH } from "./parser.ts";
import { sqlRule } from "./rules.ts";

/** The FilterSyntaxError a filter raises; fails the test when it compiles or throws anything else. */
function syntaxError(filter: string, action?: string): FilterSyntaxError {
  try {
    sqlRule("r", filter, action);
  } catch (error) {
    if (error instanceof FilterSyntaxError) return error;
    throw new Error(`${JSON.stringify(filter)} threw a non-FilterSyntaxError: ${String(error)}`);
  }
  throw new Error(`${JSON.stringify(filter)} compiled`);
}

describe("syntax error messages", () => {
  it.each([
    ["user.color BLAH", 'Expected an operator after "user.color" at position 11 but found "BLAH"', 11],
    ["", "Expected a condition at position 0 but found end of expression", 0],
    ["   ", "Expected a condition at position 3 but found end of expression", 3],
    ["user.color = ", 'Expected a value after "=" at position 13 but found end of expression', 13],
    ["a = 1 AND", 'Expected a condition after "AND" at position 9 but found end of expression', 9],
    ["a = 1 OR OR b = 2", 'Expected a condition after "OR" at position 9 but found "OR"', 9],
    ["NOT", 'Expected a condition after "NOT" at position 3 but found end of expression', 3],
    ["a = AND", 'Expected a value after "=" at position 4 but found "AND"', 4],
    ["a == 1", 'Expected a value after "=" at position 3 but found "="', 3],
    ["(a = 1", 'Expected ")" or an operator after "1" at position 6 but found end of expression', 6],
    ["a = 1)", 'Expected an operator after "1" at position 5 but found ")"', 5],
    ["1 2", 'Expected an operator after "1" at position 2 but found "2"', 2],
    ["a = 1 = 2", 'Expected an operator after "1" at position 6 but found "="', 6],
    ["a NOT = 1", 'Expected IN or LIKE after "NOT" at position 6 but found "="', 6],
    ["a IS 5", 'Expected NULL after "IS" at position 5 but found "5"', 5],
    ["a IS NOT TRUE", 'Expected NULL after "NOT" at position 9 but found "TRUE"', 9],
    ["a IN 1", 'Expected "(" after "IN" at position 5 but found "1"', 5],
    ["a IN ()", 'Expected a value after "(" at position 6 but found ")"', 6],
    ["a IN (1 2)", 'Expected "," or ")" after "1" at position 8 but found "2"', 8],
    ["a IN (1,", 'Expected a value after "," at position 8 but found end of expression', 8],
    ["EXISTS a", 'Expected "(" after "EXISTS" at position 7 but found "a"', 7],
    ["EXISTS(1)", 'Expected a property name after "(" at position 7 but found "1"', 7],
    ["EXISTS(a", 'Expected ")" after "a" at position 8 but found end of expression', 8],
    ["sys. = 1", 'Expected a property name after "." at position 5 but found "="', 5],
    [
      "5",
      'Expected a condition at position 0 but found the value "5"; compare it with an operator such as =',
      0,
    ],
    [
      "a = 1 AND 'x'",
      "Expected a condition at position 10 but found the value \"'x'\"; compare it with an operator such as =",
      10,
    ],
    [
      "a + 1",
      'Expected a condition at position 0 but found the value "a + 1"; compare it with an operator such as =',
      0,
    ],
    ["(a = 1) + 2 = 3", 'Expected a value at position 0 but found the condition "(a = 1)"', 0],
    ["a = (b = 1)", 'Expected a value at position 4 but found the condition "(b = 1)"', 4],
    ["a LIKE 5", 'Expected a string pattern after LIKE at position 7 but found "5"', 7],
    ["a LIKE 'x' ESCAPE 1", 'Expected a one-character string after ESCAPE at position 18 but found "1"', 18],
    [
      "a LIKE 'x' ESCAPE '!!'",
      'Invalid LIKE pattern at position 18: the ESCAPE character must be exactly one character, not "!!"',
      18,
    ],
    [
      "a LIKE 'x!' ESCAPE '!'",
      'Invalid LIKE pattern at position 7: the pattern "x!" ends with its ESCAPE character',
      7,
    ],
    [
      "a = 99999999999999999999",
      "The integer 99999999999999999999 at position 4 is outside the 64-bit range",
      4,
    ],
    [
      "a = 9223372036854775808",
      "The integer 9223372036854775808 at position 4 is outside the 64-bit range",
      4,
    ],
    ["a = 1e999", "The number 1e999 at position 4 is too large", 4],
    [
      "newid() = 1",
      'Unexpected "(" after "newid" at position 5: functions such as newid() and property() are not supported',
      5,
    ],
    ["'abc", "Unterminated string literal starting at position 0: missing closing '", 0],
    ["a = 'x' + 'it''s", "Unterminated string literal starting at position 10: missing closing '", 10],
  ])("%j", (filter, message, position) => {
    const error = syntaxError(filter);
    expect(error.message).toBe(message);
    expect(error.position).toBe(position);
    expect(error.expression).toBe(filter);
  });

  it("names an unknown system property and lists the valid ones", () => {
    const error = syntaxError("a = 1 AND sys.Lable = 'x'");
    expect(error.message).toBe(
      'Unknown system property "sys.Lable" at position 10; valid system properties are sys.MessageId, ' +
        "sys.CorrelationId, sys.To, sys.ReplyTo, sys.Label, sys.Subject, sys.SessionId, sys.ReplyToSessionId, " +
        "sys.ContentType, sys.SequenceNumber, sys.EnqueuedTimeUtc, sys.ScheduledEnqueueTimeUtc, sys.TimeToLive, " +
        "sys.DeliveryCount, sys.Size, sys.PartitionKey",
    );
    expect(error.position).toBe(10);
  });

  it("shortens long quoted text", () => {
    const long = `'${"x".repeat(100)}'`;
    expect(syntaxError(`a = 1 ${long}`).message).toBe(
      `Expected an operator after "1" at position 6 but found "'${"x".repeat(36)}..."`,
    );
  });

  it("reports the action's text as the expression when the action is at fault", () => {
    const error = syntaxError("a = 1", "SET b");
    expect(error.expression).toBe("SET b");
    expect(error.message).toBe('Expected "=" after "b" at position 5 but found end of expression');
  });

  it("rejects a non-string expression with a FilterSyntaxError", () => {
    expect(() => sqlRule("r", undefined as unknown as string)).toThrow(FilterSyntaxError);
    expect(() => sqlRule("r", "1=1", 5 as unknown as string)).toThrow(
      "Expected the expression to be a string but found number",
    );
  });
});

describe("nesting limit", () => {
  const nested = (depth: number) => `${"(".repeat(depth)}a = 1${")".repeat(depth)}`;

  it(`allows ${MAX_NESTING_DEPTH} levels`, () => {
    expect(sqlRule("r", nested(MAX_NESTING_DEPTH)).matches({ system: {}, user: { a: 1 } })).toBe(true);
    expect(
      sqlRule("r", `${"NOT ".repeat(MAX_NESTING_DEPTH)}a = 1`).matches({ system: {}, user: { a: 1 } }),
    ).toBe(true);
  });

  it.each([
    ["parentheses", nested(MAX_NESTING_DEPTH + 1), MAX_NESTING_DEPTH],
    ["NOT", `${"NOT ".repeat(MAX_NESTING_DEPTH + 1)}a = 1`, MAX_NESTING_DEPTH * 4],
    ["signs", `a = ${"-".repeat(MAX_NESTING_DEPTH + 1)}b`, 4 + MAX_NESTING_DEPTH],
  ])("refuses one level more of %s with a clear error", (_, filter, position) => {
    const error = syntaxError(filter);
    expect(error.message).toBe(
      `Expression is nested too deeply at position ${position}: at most 64 levels of parentheses, NOT and signs are allowed`,
    );
  });

  it("stops at the limit long before the stack would overflow", () => {
    expect(syntaxError("(".repeat(1_000_000)).message).toContain("nested too deeply");
    expect(syntaxError(`a = ${"-(".repeat(100_000)}`).message).toContain("nested too deeply");
  });

  it("handles very long flat chains without recursion", () => {
    const terms = 50_000;
    const and = Array.from({ length: terms }, (_, i) => `a${i % 7} = ${i % 7}`).join(" AND ");
    const sum = `${Array.from({ length: terms }, () => "1").join(" + ")} = ${terms}`;
    const list = `a0 IN (${Array.from({ length: terms }, (_, i) => i).join(", ")})`;
    const user = Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`a${i}`, i]));
    for (const filter of [and, sum, list]) {
      expect(sqlRule("r", filter).matches({ system: {}, user })).toBe(true);
    }
  });
});

describe("hostile input", () => {
  // A tiny deterministic generator, so a failure reproduces.
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
      return state / 0x7fffffff;
    };
  }

  const fragments = [
    "(",
    ")",
    "'",
    "''",
    "[",
    "]",
    '"',
    ",",
    ";",
    ".",
    "=",
    "<>",
    "!",
    "<",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "_",
    "AND",
    "OR",
    "NOT",
    "IN",
    "IS",
    "NULL",
    "LIKE",
    "ESCAPE",
    "EXISTS",
    "TRUE",
    "SET",
    "REMOVE",
    "sys",
    "user",
    "sys.Label",
    "sys.Nope",
    "a",
    "b",
    "1",
    "2.5",
    "1e",
    "9223372036854775808",
    "'x'",
    "'%a_'",
    "@",
    "#",
    "\u0000",
    "😀",
    "\n",
    " ",
    " ",
  ];

  it("throws nothing but FilterSyntaxError and never hangs on random input", () => {
    const next = random(42);
    const message = { system: { label: "abc" }, user: { a: 1, b: "x" } };
    let compiled = 0;
    for (let i = 0; i < 5_000; i++) {
      const length = 1 + Math.floor(next() * 12);
      const text = Array.from({ length }, () => fragments[Math.floor(next() * fragments.length)]).join(
        next() < 0.5 ? " " : "",
      );
      for (const [filter, action] of [
        [text, undefined],
        ["1=1", text],
      ] as const) {
        try {
          const rule = sqlRule("r", filter, action);
          compiled++;
          expect(typeof rule.matches(message)).toBe("boolean");
          rule.apply({ system: { ...message.system }, user: { ...message.user } });
        } catch (error) {
          if (!(error instanceof FilterSyntaxError))
            throw new Error(`${JSON.stringify([filter, action])}: ${error}`);
          expect(error.position).toBeGreaterThanOrEqual(0);
          expect(error.position).toBeLessThanOrEqual(error.expression.length);
          expect(error.message).toMatch(/position \d+/);
        }
      }
    }
    expect(compiled).toBeGreaterThan(0);
  });

  it("copes with a large expression in linear-ish time", () => {
    const started = performance.now();
    syntaxError(`a = '${"x".repeat(1_000_000)}`);
    syntaxError(`${"a = 1 AND ".repeat(100_000)}`);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

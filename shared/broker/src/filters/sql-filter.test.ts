import { describe, expect, it } from "vitest";
import type { FilterableMessage, SystemProperties } from "./message.ts";
import { sqlRule } from "./rules.ts";

function message(user: Record<string, unknown> = {}, system: SystemProperties = {}): FilterableMessage {
  return { system, user };
}

const matches = (filter: string, m: FilterableMessage = message()) => sqlRule("r", filter).matches(m);

describe("match-all filters", () => {
  it.each(["1=1", "TRUE", "true", "(TRUE)", "NOT FALSE", "1 = 1 OR x = 2"])(
    "%s matches an empty message",
    (f) => {
      expect(matches(f)).toBe(true);
    },
  );

  it.each(["1=0", "FALSE", "NULL", "NOT TRUE"])("%s matches nothing", (f) => {
    expect(matches(f)).toBe(false);
  });
});

describe("comparison operators", () => {
  const m = message({ n: 5, s: "m" });
  it.each([
    ["n = 5", true],
    ["n = 6", false],
    ["n <> 5", false],
    ["n <> 6", true],
    ["n != 6", true],
    ["n != 5", false],
    ["n < 6", true],
    ["n < 5", false],
    ["n > 4", true],
    ["n > 5", false],
    ["n <= 5", true],
    ["n <= 4", false],
    ["n >= 5", true],
    ["n >= 6", false],
    ["5 = n", true],
    ["s = 'm'", true],
    ["s < 'n'", true],
    ["s > 'n'", false],
    ["s >= 'm'", true],
  ])("%s is %s", (filter, expected) => {
    expect(matches(filter, m)).toBe(expected);
  });

  it("compares strings case-sensitively", () => {
    expect(matches("s = 'M'", m)).toBe(false);
  });

  it("compares booleans for equality only", () => {
    const b = message({ flag: true });
    expect(matches("flag = TRUE", b)).toBe(true);
    expect(matches("flag <> FALSE", b)).toBe(true);
    expect(matches("flag > FALSE", b)).toBe(false);
    expect(matches("NOT (flag > FALSE)", b)).toBe(false);
  });

  it("treats a boolean property on its own as a condition", () => {
    expect(matches("flag", message({ flag: true }))).toBe(true);
    expect(matches("flag", message({ flag: false }))).toBe(false);
    expect(matches("NOT flag", message({ flag: false }))).toBe(true);
    expect(matches("flag", message({ flag: "true" }))).toBe(false);
    expect(matches("NOT flag", message({ flag: "true" }))).toBe(false);
  });
});

describe("numbers", () => {
  it("compare numerically across integers, decimals and bigints", () => {
    expect(matches("n = 5.0", message({ n: 5 }))).toBe(true);
    expect(matches("n = 5", message({ n: 5n }))).toBe(true);
    expect(matches("n < 5.5", message({ n: 5n }))).toBe(true);
    expect(matches("n = 9007199254740993", message({ n: 9007199254740993n }))).toBe(true);
    // 2^53 + 1 is not representable as a double; an exact comparison must not round it to 2^53.
    expect(matches("n = 9007199254740992", message({ n: 9007199254740993n }))).toBe(false);
    expect(matches("n > 9007199254740992", message({ n: 9007199254740993n }))).toBe(true);
  });

  it("read scientific notation and 64-bit extremes", () => {
    expect(matches("n = 101.5E5", message({ n: 10_150_000 }))).toBe(true);
    expect(matches("n = 0.5E-2", message({ n: 0.005 }))).toBe(true);
    expect(matches("n = -9223372036854775808", message({ n: -(2n ** 63n) }))).toBe(true);
    expect(matches("n = 9223372036854775807", message({ n: 2n ** 63n - 1n }))).toBe(true);
  });

  it("never equal NaN, though NaN <> anything holds", () => {
    const nan = message({ n: Number.NaN });
    expect(matches("n = n", nan)).toBe(false);
    expect(matches("n < 1 OR n >= 1", nan)).toBe(false);
    expect(matches("n <> 1", nan)).toBe(true);
  });
});

describe("incompatible types are unknown, not errors", () => {
  it.each([
    ["n = '5'", { n: 5 }],
    ["n <> '5'", { n: 5 }],
    ["s = 5", { s: "5" }],
    ["s > 1", { s: "5" }],
    ["b = 1", { b: true }],
    ["d = 'x'", { d: new Date(0) }],
  ])("%s with %o neither matches nor matches negated", (filter, user) => {
    expect(matches(filter, message(user))).toBe(false);
    expect(matches(`NOT (${filter})`, message(user))).toBe(false);
  });

  it("compares dates with dates and binary with binary", () => {
    const m = message({
      d: new Date(1000),
      e: new Date(2000),
      b: Buffer.from([1, 2]),
      c: Buffer.from([1, 2]),
    });
    expect(matches("d < e", m)).toBe(true);
    expect(matches("d = d", m)).toBe(true);
    expect(matches("b = c", m)).toBe(true);
    expect(matches("b < c", m)).toBe(false);
  });
});

describe("three-valued logic", () => {
  const m = message({ yes: 1 });
  const T = "yes = 1";
  const F = "yes = 2";
  const U = "missing = 1";

  it.each([
    [`${T} AND ${T}`, true],
    [`${T} AND ${F}`, false],
    [`${T} AND ${U}`, false],
    [`${F} AND ${U}`, false],
    [`${U} AND ${F}`, false],
    [`NOT (${U} AND ${F})`, true],
    [`NOT (${U} AND ${T})`, false],
    [`${T} OR ${U}`, true],
    [`${U} OR ${T}`, true],
    [`${F} OR ${U}`, false],
    [`NOT (${F} OR ${U})`, false],
    [`NOT (${F} OR ${F})`, true],
    [U, false],
    [`NOT ${U}`, false],
    [`NOT NOT ${U}`, false],
    [`NOT (${U})`, false],
    [`${U} OR NOT ${U}`, false],
  ])("%s → %s", (filter, expected) => {
    expect(matches(filter, m)).toBe(expected);
  });

  it("makes any comparison with NULL unknown, even NULL = NULL", () => {
    expect(matches("NULL = NULL")).toBe(false);
    expect(matches("NOT (NULL = NULL)")).toBe(false);
    expect(matches("x = NULL", message({ x: null }))).toBe(false);
    expect(matches("x <> NULL", message({ x: 1 }))).toBe(false);
  });

  it("treats a property holding null like a missing one in comparisons", () => {
    expect(matches("x = 1", message({ x: null }))).toBe(false);
    expect(matches("NOT (x = 1)", message({ x: null }))).toBe(false);
    expect(matches("x <> 1", message({ x: undefined }))).toBe(false);
  });
});

describe("IS NULL", () => {
  it("holds for missing properties and null values", () => {
    expect(matches("x IS NULL")).toBe(true);
    expect(matches("x IS NULL", message({ x: null }))).toBe(true);
    expect(matches("x IS NULL", message({ x: 0 }))).toBe(false);
    expect(matches("x IS NOT NULL", message({ x: "" }))).toBe(true);
    expect(matches("x IS NOT NULL")).toBe(false);
    expect(matches("sys.ReplyTo IS NULL", message({}, { replyTo: "q" }))).toBe(false);
    expect(matches("sys.ReplyTo is not null", message({}, { replyTo: "q" }))).toBe(true);
    expect(matches("n + 1 IS NULL", message({ n: "a" }))).toBe(true);
  });
});

describe("IN", () => {
  it("tests membership, NOT IN negates", () => {
    const m = message({ store: "Store2" });
    expect(matches("store IN ('Store1', 'Store2', 'Store3')", m)).toBe(true);
    expect(matches("store IN ('Store1')", m)).toBe(false);
    expect(matches("store NOT IN ('Store1', 'Store3')", m)).toBe(true);
    expect(matches("store NOT IN ('Store2')", m)).toBe(false);
    expect(matches("store not in ('x') AND store IN ('Store2')", m)).toBe(true);
  });

  it("matches by type across a mixed list", () => {
    const list = "('1', 2, TRUE, 3.5)";
    expect(matches(`x IN ${list}`, message({ x: "1" }))).toBe(true);
    expect(matches(`x IN ${list}`, message({ x: 1 }))).toBe(false);
    expect(matches(`x IN ${list}`, message({ x: 2 }))).toBe(true);
    expect(matches(`x IN ${list}`, message({ x: 2n }))).toBe(true);
    expect(matches(`x IN ${list}`, message({ x: "2" }))).toBe(false);
    expect(matches(`x IN ${list}`, message({ x: true }))).toBe(true);
    expect(matches(`x IN ${list}`, message({ x: 3.5 }))).toBe(true);
    expect(matches(`x NOT IN ${list}`, message({ x: "2" }))).toBe(true);
  });

  it("is unknown when the left side is unknown, either way round", () => {
    expect(matches("x IN (1, 2)")).toBe(false);
    expect(matches("x NOT IN (1, 2)")).toBe(false);
    expect(matches("NOT (x IN (1, 2))")).toBe(false);
  });

  it("lets a NULL entry simply not match, as Azure documents only the left operand's unknown", () => {
    expect(matches("x IN (NULL, 1)", message({ x: 1 }))).toBe(true);
    expect(matches("x NOT IN (NULL, 2)", message({ x: 1 }))).toBe(true);
  });

  it("evaluates expressions and properties in the list", () => {
    const m = message({ x: 4, y: 3, z: "a" });
    expect(matches("x IN (y + 1)", m)).toBe(true);
    expect(matches("x IN (z, y, 2 * 2)", m)).toBe(true);
    expect(matches("sys.To IN ('Store5','Store6') OR x = 4", m)).toBe(true);
  });
});

describe("EXISTS", () => {
  it("checks presence, independent of value", () => {
    expect(matches("EXISTS(x)", message({ x: 0 }))).toBe(true);
    expect(matches("EXISTS (x)", message({ x: null }))).toBe(true);
    expect(matches("EXISTS(x)", message({ y: 1 }))).toBe(false);
    expect(matches("EXISTS(x)", message({ x: undefined }))).toBe(false);
    expect(matches("NOT EXISTS(x)", message({ y: 1 }))).toBe(true);
    expect(matches("not exists(user.x)", message({ x: 1 }))).toBe(false);
    expect(matches("EXISTS([odd name])", message({ "odd name": 1 }))).toBe(true);
  });

  it("checks system properties for a value", () => {
    expect(matches("EXISTS(sys.SessionId)", message({}, { sessionId: "s" }))).toBe(true);
    expect(matches("EXISTS(sys.SessionId)")).toBe(false);
  });

  it("does not see inherited object members", () => {
    expect(matches("EXISTS(constructor)")).toBe(false);
    expect(matches("EXISTS(toString) OR toString IS NOT NULL")).toBe(false);
    expect(matches("[__proto__] IS NULL")).toBe(true);
  });
});

describe("arithmetic", () => {
  it.each([
    ["n + 2 = 7", true],
    ["n - 7 = -2", true],
    ["n * 3 = 15", true],
    ["n / 2 = 2.5", true],
    ["n % 3 = 2", true],
    ["-n = -5", true],
    ["- -n = 5", true],
    ["+n = 5", true],
    ["2 + 3 * 4 = 14", true],
    ["(2 + 3) * 4 = 20", true],
    ["10 - 4 - 3 = 3", true],
    ["24 / 4 / 2 = 3", true],
    ["-2 * -3 = 6", true],
    ["n * 1.5 = 7.5", true],
    ["n / 0 > 1000000", true],
  ])("%s with n = 5", (filter, expected) => {
    expect(matches(filter, message({ n: 5 }))).toBe(expected);
  });

  it("keeps 64-bit integers exact and wraps like C# on overflow", () => {
    const big = message({ n: 2n ** 62n });
    expect(matches("n * 2 = -9223372036854775808", big)).toBe(true);
    expect(matches("n + 1 = 4611686018427387905", big)).toBe(true);
    expect(matches("n / 3 = 1537228672809129301", big)).toBe(true);
    expect(matches("n % 0 IS NULL", big)).toBe(true);
    expect(matches("n + 0.5 > 4611686018427387904", big)).toBe(false);
  });

  it("concatenates strings with +", () => {
    expect(matches("a + '-' + b = 'x-y'", message({ a: "x", b: "y" }))).toBe(true);
  });

  it("is unknown for NULLs and for other types", () => {
    expect(matches("n + 1 = 1")).toBe(false);
    expect(matches("NOT (n + 1 = 1)")).toBe(false);
    expect(matches("s + 1 = 's1'", message({ s: "s" }))).toBe(false);
    expect(matches("NOT (s * 2 = 2)", message({ s: "s" }))).toBe(false);
    expect(matches("NOT (-s = 1)", message({ s: "s" }))).toBe(false);
  });
});

describe("property names", () => {
  it('default to user scope and accept user. and [delimited] and "quoted" forms', () => {
    const m = message({
      color: "red",
      "Property With Space": 1,
      "HR-EmployeeID": "e",
      "Contoso & Northwind": true,
    });
    expect(matches("color = 'red'", m)).toBe(true);
    expect(matches("user.color = 'red'", m)).toBe(true);
    expect(matches("[Property With Space] = 1", m)).toBe(true);
    expect(matches("user.[HR-EmployeeID] = 'e'", m)).toBe(true);
    expect(matches('"Contoso & Northwind" = TRUE', m)).toBe(true);
  });

  it("treat a delimited keyword as a name", () => {
    expect(matches("[NOT] = 1 AND [and] = 2 AND user.or = 3", message({ NOT: 1, and: 2, or: 3 }))).toBe(true);
  });

  it("are case-insensitive for user properties, preferring the exact spelling", () => {
    expect(matches("COLOR = 'red'", message({ color: "red" }))).toBe(true);
    expect(matches("User.Color = 'red'", message({ cOLOR: "red" }))).toBe(true);
    expect(matches("color = 'exact'", message({ Color: "other", color: "exact" }))).toBe(true);
  });

  it("are case-insensitive for sys properties and the sys scope", () => {
    const m = message({}, { label: "L", messageId: "M" });
    expect(matches("sys.label = 'L'", m)).toBe(true);
    expect(matches("SYS.LABEL = 'L'", m)).toBe(true);
    expect(matches("Sys.MessageID = 'M'", m)).toBe(true);
  });

  it("read every documented system property", () => {
    const enqueued = new Date("2024-01-01T00:00:00Z");
    const system: SystemProperties = {
      messageId: "mid",
      correlationId: "cid",
      to: "to",
      replyTo: "rt",
      label: "lbl",
      sessionId: "sid",
      replyToSessionId: "rsid",
      contentType: "application/json",
      sequenceNumber: 42,
      enqueuedTimeUtc: enqueued,
      deliveryCount: 2,
      size: 128,
    };
    const m = message({ t: new Date("2024-01-01T00:00:00Z") }, system);
    for (const filter of [
      "sys.MessageId = 'mid'",
      "sys.CorrelationId = 'cid'",
      "sys.To = 'to'",
      "sys.ReplyTo = 'rt'",
      "sys.Label = 'lbl'",
      "sys.Subject = 'lbl'",
      "sys.SessionId = 'sid'",
      "sys.ReplyToSessionId = 'rsid'",
      "sys.ContentType LIKE 'application/%'",
      "sys.SequenceNumber = 42",
      "sys.EnqueuedTimeUtc = t",
      "sys.DeliveryCount >= 2",
      "sys.Size < 1000",
    ]) {
      expect(matches(filter, m), filter).toBe(true);
    }
  });

  it("do not confuse [sys.Label] (a user property) with sys.Label", () => {
    expect(matches("[sys.Label] = 'u'", message({ "sys.Label": "u" }, { label: "s" }))).toBe(true);
  });

  it("let a bare sys or user be an ordinary property name", () => {
    expect(matches("sys = 1 AND user = 2", message({ sys: 1, user: 2 }))).toBe(true);
  });
});

describe("keywords", () => {
  it("are case-insensitive", () => {
    const m = message({ a: 1, s: "abc" });
    expect(matches("a = 1 and not (a = 2) Or a iS nOt nULL", m)).toBe(true);
    expect(matches("s lIkE 'a%' EsCaPe '!' AND a In (1) AND ExIsTs(a) AND tRuE", m)).toBe(true);
  });
});

describe("precedence", () => {
  it("binds NOT tighter than AND tighter than OR", () => {
    const m = message({ a: 1 });
    expect(matches("a = 1 OR a = 2 AND a = 3", m)).toBe(true);
    expect(matches("(a = 1 OR a = 2) AND a = 3", m)).toBe(false);
    expect(matches("NOT a = 2 AND a = 1", m)).toBe(true);
    expect(matches("NOT (a = 1 AND a = 2)", m)).toBe(true);
  });

  it("binds arithmetic tighter than comparison", () => {
    expect(matches("1 + 1 = 2 AND 2 * 3 > 5")).toBe(true);
  });
});

// Operator semantics on decoded message values. `null` stands for SQL's unknown: a missing property, a NULL, or a
// pair of values whose types do not combine (Service Bus follows C# binding, which has no string/number mixing).
import type { ArithmeticOperator } from "./ast.ts";

/** Three-valued logic: true, false or unknown (null). */
export type Tri = boolean | null;

type Numeric = number | bigint;

function isNumeric(value: unknown): value is Numeric {
  return typeof value === "number" || typeof value === "bigint";
}

/**
 * Orders two values: negative, zero or positive; NaN when they are comparable but unordered (a NaN operand, so
 * every comparison but <> is false); null when unknown. Strings order by UTF-16 code unit, as .NET's ordinal
 * comparison does; booleans and binary only support equality.
 */
export function compareValues(a: unknown, b: unknown): number | null {
  if (a == null || b == null) return null;
  if (isNumeric(a)) return isNumeric(b) ? compareNumeric(a, b) : null;
  if (typeof a === "string") {
    if (typeof b !== "string") return null;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (a instanceof Date) {
    if (!(b instanceof Date)) return null;
    return compareNumeric(a.getTime(), b.getTime());
  }
  return null;
}

function compareNumeric(a: Numeric, b: Numeric): number {
  // JavaScript's relational operators compare a number with a bigint exactly, without converting either.
  if (a < b) return -1;
  if (a > b) return 1;
  if ((typeof a === "number" && Number.isNaN(a)) || (typeof b === "number" && Number.isNaN(b)))
    return Number.NaN;
  return 0;
}

/** Equality across compatible types; null (unknown) for a missing value or incompatible types. */
export function equalValues(a: unknown, b: unknown): Tri {
  if (a == null || b == null) return null;
  if (typeof a === "string") return typeof b === "string" ? a === b : null;
  if (typeof a === "boolean") return typeof b === "boolean" ? a === b : null;
  if (Buffer.isBuffer(a)) return Buffer.isBuffer(b) ? a.equals(b) : null;
  const order = compareValues(a, b);
  return order === null ? null : order === 0;
}

/** Applies + - * / %; unknown for NULL operands, incompatible types or integer division by zero. */
export function arithmetic(operator: ArithmeticOperator, a: unknown, b: unknown): unknown {
  if (typeof a === "number" && typeof b === "number") return numberArithmetic(operator, a, b);
  if (isNumeric(a) && isNumeric(b)) {
    // Mixed with a bigint: stay exact while both are whole; a fraction makes it floating point, as in C#.
    if (typeof a === "number" && !Number.isInteger(a)) return numberArithmetic(operator, a, Number(b));
    if (typeof b === "number" && !Number.isInteger(b)) return numberArithmetic(operator, Number(a), b);
    return bigintArithmetic(operator, BigInt(a), BigInt(b));
  }
  if (operator === "+" && typeof a === "string" && typeof b === "string") return a + b;
  return null;
}

// Numbers use double arithmetic: rhea decodes AMQP int and double alike to `number`, so 5 / 2 is 2.5 here even
// where a C# long division would give 2.
function numberArithmetic(operator: ArithmeticOperator, a: number, b: number): number {
  switch (operator) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
    case "%":
      return a % b;
  }
}

function bigintArithmetic(operator: ArithmeticOperator, a: bigint, b: bigint): Numeric | null {
  let result: bigint;
  switch (operator) {
    case "+":
      result = a + b;
      break;
    case "-":
      result = a - b;
      break;
    case "*":
      result = a * b;
      break;
    case "/":
    case "%":
      if (b === 0n) return null;
      result = operator === "/" ? a / b : a % b;
      break;
  }
  return normalizeInteger(BigInt.asIntN(64, result));
}

/** Unary minus; unknown for anything but a number. */
export function negate(value: unknown): unknown {
  if (typeof value === "number") return -value;
  if (typeof value === "bigint") return normalizeInteger(BigInt.asIntN(64, -value));
  return null;
}

/** Integers that fit a double exactly are handed back as numbers, which is what rhea can encode. */
function normalizeInteger(value: bigint): Numeric {
  const asNumber = Number(value);
  return Number.isSafeInteger(asNumber) ? asNumber : value;
}

/** How a value used as a condition counts: only booleans are true or false. */
export function toTri(value: unknown): Tri {
  return typeof value === "boolean" ? value : null;
}

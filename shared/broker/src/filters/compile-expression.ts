// Turns parsed expressions into closures once per rule, so evaluating a message never re-reads the text.
import type { LikeNode, Node, PropertyNode } from "./ast.ts";
import { FilterSyntaxError } from "./filter-syntax-error.ts";
import { compileLike, type LikeMatcher, LikePatternError } from "./like.ts";
import type { FilterableMessage } from "./message.ts";
import { findUserKey, readUserProperty } from "./user-properties.ts";
import { arithmetic, compareValues, equalValues, negate, type Tri, toTri } from "./values.ts";

export type ValueFn = (m: FilterableMessage) => unknown;
export type ConditionFn = (m: FilterableMessage) => Tri;

export function compileValue(node: Node, source: string): ValueFn {
  switch (node.type) {
    case "literal": {
      const value = node.value;
      return () => value;
    }
    case "user": {
      const { name } = node;
      const lower = name.toLowerCase();
      return (m) => readUserProperty(m.user, name, lower);
    }
    case "sys": {
      const { key } = node;
      return (m) => m.system[key] ?? null;
    }
    case "negate": {
      const operand = compileValue(node.operand, source);
      return (m) => negate(operand(m));
    }
    case "arithmetic": {
      const first = compileValue(node.first, source);
      const steps = node.rest.map((r) => ({
        operator: r.operator,
        operand: compileValue(r.operand, source),
      }));
      return (m) => {
        let result = first(m);
        for (const step of steps) result = arithmetic(step.operator, result, step.operand(m));
        return result;
      };
    }
    default:
      // The parser never puts a condition where a value belongs; were it to, its truth value is its value.
      return compileCondition(node, source);
  }
}

export function compileCondition(node: Node, source: string): ConditionFn {
  switch (node.type) {
    case "literal": {
      const value = toTri(node.value);
      return () => value;
    }
    case "user":
    case "sys":
    case "negate":
    case "arithmetic": {
      const value = compileValue(node, source);
      return (m) => toTri(value(m));
    }
    case "compare":
      return compileCompare(node.operator, compileValue(node.left, source), compileValue(node.right, source));
    case "and": {
      const operands = node.operands.map((n) => compileCondition(n, source));
      return (m) => {
        let result: Tri = true;
        for (const operand of operands) {
          const value = operand(m);
          if (value === false) return false;
          if (value === null) result = null;
        }
        return result;
      };
    }
    case "or": {
      const operands = node.operands.map((n) => compileCondition(n, source));
      return (m) => {
        let result: Tri = false;
        for (const operand of operands) {
          const value = operand(m);
          if (value === true) return true;
          if (value === null) result = null;
        }
        return result;
      };
    }
    case "not": {
      const operand = compileCondition(node.operand, source);
      return (m) => {
        const value = operand(m);
        return value === null ? null : !value;
      };
    }
    case "isNull": {
      const operand = compileValue(node.operand, source);
      const negated = node.negated;
      return (m) => (operand(m) == null) !== negated;
    }
    case "in":
      return compileIn(node.operand, node.list, node.negated, source);
    case "like":
      return compileLikeNode(node, source);
    case "exists":
      return compileExists(node.property);
  }
}

function compileCompare(operator: string, left: ValueFn, right: ValueFn): ConditionFn {
  switch (operator) {
    case "=":
      return (m) => equalValues(left(m), right(m));
    case "<>":
    case "!=":
      return (m) => {
        const equal = equalValues(left(m), right(m));
        return equal === null ? null : !equal;
      };
    case "<":
      return ordered(left, right, (order) => order < 0);
    case ">":
      return ordered(left, right, (order) => order > 0);
    case "<=":
      return ordered(left, right, (order) => order <= 0);
    default:
      return ordered(left, right, (order) => order >= 0);
  }
}

function ordered(left: ValueFn, right: ValueFn, test: (order: number) => boolean): ConditionFn {
  return (m) => {
    const order = compareValues(left(m), right(m));
    return order === null ? null : test(order);
  };
}

// Azure's reference: an unknown left operand makes [NOT] IN unknown; otherwise it is a plain membership test
// in which list entries of another type (or NULL) simply do not match.
function compileIn(operandNode: Node, list: Node[], negated: boolean, source: string): ConditionFn {
  const operand = compileValue(operandNode, source);
  const items = list.map((n) => compileValue(n, source));
  return (m) => {
    const value = operand(m);
    if (value == null) return null;
    for (const item of items) {
      if (equalValues(value, item(m)) === true) return !negated;
    }
    return negated;
  };
}

function compileExists(property: PropertyNode): ConditionFn {
  if (property.type === "sys") {
    const { key } = property;
    return (m) => m.system[key] != null;
  }
  const { name } = property;
  const lower = name.toLowerCase();
  return (m) => findUserKey(m.user, name, lower) !== undefined;
}

function compileLikeNode(node: LikeNode, source: string): ConditionFn {
  const operand = compileValue(node.operand, source);
  const negated = node.negated;
  const matcher = constantMatcher(node, source);
  if (matcher === null) return () => null;
  if (matcher !== undefined) {
    return (m) => {
      const text = operand(m);
      return typeof text === "string" ? matcher(text) !== negated : null;
    };
  }
  // The pattern comes from the message: compile per distinct pattern, remembering the last one, since a
  // subscription tends to see the same few values over and over.
  const pattern = compileValue(node.pattern, source);
  const escapeChar = node.escapeChar === undefined ? () => undefined : compileValue(node.escapeChar, source);
  let lastPattern: string | undefined;
  let lastEscape: string | undefined;
  let lastMatcher: LikeMatcher | null = null;
  return (m) => {
    const text = operand(m);
    const p = pattern(m);
    const e = escapeChar(m);
    if (typeof text !== "string" || typeof p !== "string" || (e !== undefined && typeof e !== "string"))
      return null;
    if (p !== lastPattern || e !== lastEscape || lastMatcher === null) {
      lastPattern = p;
      lastEscape = e;
      try {
        lastMatcher = compileLike(p, e);
      } catch {
        lastMatcher = null;
        return null;
      }
    }
    return lastMatcher(text) !== negated;
  };
}

/**
 * The matcher for a pattern (and escape) written as constants: undefined when either comes from the message,
 * null when either is NULL (always unknown). A constant that can never work is a syntax error now rather than
 * an unknown on every message.
 */
function constantMatcher(node: LikeNode, source: string): LikeMatcher | null | undefined {
  const { pattern, escapeChar } = node;
  if (pattern.type !== "literal" || (escapeChar !== undefined && escapeChar.type !== "literal"))
    return undefined;
  if (pattern.value === null || (escapeChar?.type === "literal" && escapeChar.value === null)) return null;
  if (typeof pattern.value !== "string") {
    throw new FilterSyntaxError(
      `Expected a string pattern after LIKE at position ${pattern.start} but found "${source.slice(pattern.start, pattern.end)}"`,
      source,
      pattern.start,
    );
  }
  const escapeValue = escapeChar?.type === "literal" ? escapeChar.value : undefined;
  if (escapeChar !== undefined && typeof escapeValue !== "string") {
    throw new FilterSyntaxError(
      `Expected a one-character string after ESCAPE at position ${escapeChar.start} but found "${source.slice(escapeChar.start, escapeChar.end)}"`,
      source,
      escapeChar.start,
    );
  }
  try {
    return compileLike(pattern.value, escapeValue as string | undefined);
  } catch (error) {
    if (!(error instanceof LikePatternError)) throw error;
    const at = error.culprit === "escape" && escapeChar !== undefined ? escapeChar.start : pattern.start;
    throw new FilterSyntaxError(`Invalid LIKE pattern at position ${at}: ${error.message}`, source, at);
  }
}

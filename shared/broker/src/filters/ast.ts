// The parsed form of filters and actions. Positions are 0-based offsets into the source text.
import type { SystemProperties } from "./message.ts";

/** A constant as written: strings, numbers (bigint only beyond 2^53), booleans and NULL. */
export type LiteralValue = string | number | bigint | boolean | null;

interface Span {
  start: number;
  end: number;
}

export interface LiteralNode extends Span {
  type: "literal";
  value: LiteralValue;
}

export interface UserPropertyNode extends Span {
  type: "user";
  name: string;
}

export interface SystemPropertyNode extends Span {
  type: "sys";
  key: keyof SystemProperties;
  /** Canonical spelling, e.g. "sys.Label", for messages. */
  display: string;
  /** Whether a rule action may SET or REMOVE it. */
  writable: boolean;
}

export type PropertyNode = UserPropertyNode | SystemPropertyNode;

export type ArithmeticOperator = "+" | "-" | "*" | "/" | "%";
export type ComparisonOperator = "=" | "<>" | "!=" | "<" | ">" | "<=" | ">=";

export interface NegateNode extends Span {
  type: "negate";
  operand: Node;
}

/** A left-associative chain (a + b - c) kept flat so long chains cost no recursion depth. */
export interface ArithmeticNode extends Span {
  type: "arithmetic";
  first: Node;
  rest: { operator: ArithmeticOperator; operand: Node }[];
}

export interface CompareNode extends Span {
  type: "compare";
  operator: ComparisonOperator;
  left: Node;
  right: Node;
}

/** AND / OR chains, flat for the same reason as arithmetic. */
export interface LogicalNode extends Span {
  type: "and" | "or";
  operands: Node[];
}

export interface NotNode extends Span {
  type: "not";
  operand: Node;
}

export interface IsNullNode extends Span {
  type: "isNull";
  operand: Node;
  negated: boolean;
}

export interface InNode extends Span {
  type: "in";
  operand: Node;
  list: Node[];
  negated: boolean;
}

export interface LikeNode extends Span {
  type: "like";
  operand: Node;
  pattern: Node;
  escapeChar: Node | undefined;
  negated: boolean;
}

export interface ExistsNode extends Span {
  type: "exists";
  property: PropertyNode;
}

export type Node =
  | LiteralNode
  | UserPropertyNode
  | SystemPropertyNode
  | NegateNode
  | ArithmeticNode
  | CompareNode
  | LogicalNode
  | NotNode
  | IsNullNode
  | InNode
  | LikeNode
  | ExistsNode;

export interface SetStatement extends Span {
  type: "set";
  target: PropertyNode;
  value: Node;
}

export interface RemoveStatement extends Span {
  type: "remove";
  target: PropertyNode;
}

export type Statement = SetStatement | RemoveStatement;

/** Nodes that can only be true/false/unknown, never a value. */
export function isCondition(node: Node): boolean {
  switch (node.type) {
    case "compare":
    case "and":
    case "or":
    case "not":
    case "isNull":
    case "in":
    case "like":
    case "exists":
      return true;
    default:
      return false;
  }
}

/** Nodes that can only be a value: arithmetic, signs, and constants other than TRUE, FALSE and NULL. */
export function isPlainValue(node: Node): boolean {
  if (node.type === "negate" || node.type === "arithmetic") return true;
  return node.type === "literal" && node.value !== null && typeof node.value !== "boolean";
}

// Recursive-descent parser for the Service Bus SQL filter grammar and the SqlRuleAction statements.
// Precedence, loosest first: OR, AND, NOT, predicates (comparison, IS NULL, IN, LIKE, EXISTS), + -, * / %, signs.
import type {
  ArithmeticOperator,
  ComparisonOperator,
  LiteralNode,
  Node,
  PropertyNode,
  Statement,
} from "./ast.ts";
import { isCondition, isPlainValue } from "./ast.ts";
import { FilterSyntaxError } from "./filter-syntax-error.ts";
import { type Token, tokenize } from "./lexer.ts";
import {
  findSystemProperty,
  SYSTEM_PROPERTY_NAMES,
  WRITABLE_SYSTEM_PROPERTY_NAMES,
} from "./system-properties.ts";

/** Parentheses, NOT and signs beyond this depth are refused, so hostile input cannot exhaust the stack. */
export const MAX_NESTING_DEPTH = 64;

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set(["=", "<>", "!=", "<", ">", "<=", ">="]);
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export function parseFilter(source: string): Node {
  const parser = new Parser(source);
  const node = parser.condition();
  parser.expectEnd();
  return parser.asCondition(node);
}

export function parseAction(source: string): Statement[] {
  return new Parser(source).statements();
}

class Parser {
  private readonly source: string;
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;
  /** Source text of what was consumed last, quoted in "Expected … after X" messages. */
  private lastText = "";

  constructor(source: string) {
    this.source = source;
    this.tokens = tokenize(source);
  }

  // ---- statements (rule actions) ----

  statements(): Statement[] {
    const statements: Statement[] = [];
    for (;;) {
      while (this.isOperator(this.peek(), ";")) this.next();
      const token = this.peek();
      if (token.kind === "end") break;
      const verb = token.kind === "word" ? token.value.toUpperCase() : "";
      if (verb !== "SET" && verb !== "REMOVE") this.fail(this.expected("SET or REMOVE", token), token.start);
      this.next();
      const target = this.writableTarget();
      if (verb === "SET") {
        const equals = this.peek();
        if (!this.isOperator(equals, "=")) this.fail(this.expected('"="', equals), equals.start);
        this.next();
        const value = this.asValue(this.additive());
        statements.push({ type: "set", target, value, start: token.start, end: value.end });
      } else {
        statements.push({ type: "remove", target, start: token.start, end: target.end });
      }
      // The semicolon between statements is optional in Service Bus, so SET a = 1 SET b = 2 is fine too.
      const after = this.peek();
      if (after.kind === "end" || this.isOperator(after, ";")) continue;
      const nextVerb = after.kind === "word" ? after.value.toUpperCase() : "";
      if (nextVerb !== "SET" && nextVerb !== "REMOVE") {
        this.fail(this.expected('";" or an operator', after), after.start);
      }
    }
    if (statements.length === 0) {
      const end = this.peek();
      this.fail(this.expected("SET or REMOVE", end), end.start);
    }
    return statements;
  }

  private writableTarget(): PropertyNode {
    const target = this.property();
    if (target.type === "sys" && !target.writable) {
      this.fail(
        `${target.display} at position ${target.start} cannot be changed by a rule action; writable system properties are ${WRITABLE_SYSTEM_PROPERTY_NAMES}`,
        target.start,
      );
    }
    return target;
  }

  // ---- conditions ----

  condition(): Node {
    const first = this.and();
    if (!this.isKeyword(this.peek(), "OR")) return first;
    const operands = [this.asCondition(first)];
    while (this.isKeyword(this.peek(), "OR")) {
      this.next();
      operands.push(this.asCondition(this.and()));
    }
    return { type: "or", operands, start: first.start, end: this.lastEnd(operands) };
  }

  private and(): Node {
    const first = this.not();
    if (!this.isKeyword(this.peek(), "AND")) return first;
    const operands = [this.asCondition(first)];
    while (this.isKeyword(this.peek(), "AND")) {
      this.next();
      operands.push(this.asCondition(this.not()));
    }
    return { type: "and", operands, start: first.start, end: this.lastEnd(operands) };
  }

  private not(): Node {
    const token = this.peek();
    if (!this.isKeyword(token, "NOT")) return this.predicate();
    this.next();
    this.enter(token);
    const operand = this.asCondition(this.not());
    this.depth--;
    return { type: "not", operand, start: token.start, end: operand.end };
  }

  private predicate(): Node {
    const token = this.peek();
    if (this.isKeyword(token, "EXISTS")) return this.exists();
    if (!this.canStartOperand(token)) this.fail(this.expected("a condition", token), token.start);
    const left = this.additive();
    let next = this.peek();
    if (next.kind === "operator" && COMPARISON_OPERATORS.has(next.value)) {
      this.next();
      const right = this.asValue(this.additive());
      return {
        type: "compare",
        operator: next.value as ComparisonOperator,
        left: this.asValue(left),
        right,
        start: left.start,
        end: right.end,
      };
    }
    if (this.isKeyword(next, "IS")) {
      this.next();
      const negated = this.isKeyword(this.peek(), "NOT");
      if (negated) this.next();
      const nullToken = this.peek();
      if (!this.isKeyword(nullToken, "NULL")) this.fail(this.expected("NULL", nullToken), nullToken.start);
      this.next();
      return { type: "isNull", operand: this.asValue(left), negated, start: left.start, end: nullToken.end };
    }
    let negated = false;
    if (this.isKeyword(next, "NOT")) {
      this.next();
      negated = true;
      next = this.peek();
      if (!this.isKeyword(next, "IN") && !this.isKeyword(next, "LIKE")) {
        this.fail(this.expected("IN or LIKE", next), next.start);
      }
    }
    if (this.isKeyword(next, "IN")) return this.in(this.asValue(left), negated);
    if (this.isKeyword(next, "LIKE")) return this.like(this.asValue(left), negated);
    return left;
  }

  private exists(): Node {
    const keyword = this.next();
    this.expectOperator("(");
    const property = this.property();
    const close = this.expectOperator(")");
    return { type: "exists", property, start: keyword.start, end: close.end };
  }

  private in(operand: Node, negated: boolean): Node {
    this.next();
    this.expectOperator("(");
    const list: Node[] = [];
    for (;;) {
      list.push(this.asValue(this.additive()));
      const token = this.peek();
      if (this.isOperator(token, ",")) {
        this.next();
        continue;
      }
      if (this.isOperator(token, ")")) {
        this.next();
        return { type: "in", operand, list, negated, start: operand.start, end: token.end };
      }
      this.fail(this.expected('"," or ")"', token), token.start);
    }
  }

  private like(operand: Node, negated: boolean): Node {
    this.next();
    const pattern = this.asValue(this.additive());
    let escapeChar: Node | undefined;
    if (this.isKeyword(this.peek(), "ESCAPE")) {
      this.next();
      escapeChar = this.asValue(this.additive());
    }
    return {
      type: "like",
      operand,
      pattern,
      escapeChar,
      negated,
      start: operand.start,
      end: (escapeChar ?? pattern).end,
    };
  }

  // ---- values ----

  private additive(): Node {
    return this.chain(() => this.multiplicative(), ["+", "-"]);
  }

  private multiplicative(): Node {
    return this.chain(() => this.unary(), ["*", "/", "%"]);
  }

  private chain(operand: () => Node, operators: readonly string[]): Node {
    const first = operand();
    const isChainOperator = (t: Token) => t.kind === "operator" && operators.includes(t.value);
    if (!isChainOperator(this.peek())) return first;
    const rest: { operator: ArithmeticOperator; operand: Node }[] = [];
    while (isChainOperator(this.peek())) {
      const operator = this.next().value as ArithmeticOperator;
      rest.push({ operator, operand: this.asValue(operand()) });
    }
    const end = rest[rest.length - 1]?.operand.end ?? first.end;
    return { type: "arithmetic", first: this.asValue(first), rest, start: first.start, end };
  }

  private unary(): Node {
    const token = this.peek();
    if (!this.isOperator(token, "-") && !this.isOperator(token, "+")) return this.primary();
    this.next();
    const operandToken = this.peek();
    // Folding the sign into the literal is what lets -9223372036854775808 (Int64.MinValue) be written at all.
    if (operandToken.kind === "number") {
      this.next();
      return this.number(operandToken, token.value === "-", token.start);
    }
    this.enter(token);
    const operand = this.asValue(this.unary());
    this.depth--;
    if (token.value === "+") return { ...operand, start: token.start };
    return { type: "negate", operand, start: token.start, end: operand.end };
  }

  private primary(): Node {
    const token = this.peek();
    switch (token.kind) {
      case "number":
        this.next();
        return this.number(token, false, token.start);
      case "string":
        this.next();
        return { type: "literal", value: token.value, start: token.start, end: token.end };
      case "name":
        return this.property();
      case "word":
        if (token.keyword === "TRUE" || token.keyword === "FALSE" || token.keyword === "NULL") {
          this.next();
          const value = token.keyword === "NULL" ? null : token.keyword === "TRUE";
          return { type: "literal", value, start: token.start, end: token.end };
        }
        if (token.keyword === undefined) return this.property();
        break;
      case "operator":
        if (token.value === "(") {
          this.next();
          this.enter(token);
          const inner = this.condition();
          const close = this.peek();
          if (!this.isOperator(close, ")"))
            this.fail(this.expected('")" or an operator', close), close.start);
          this.next();
          this.depth--;
          return { ...inner, start: token.start, end: close.end };
        }
        break;
    }
    return this.fail(this.expected("a value", token), token.start);
  }

  private number(token: Token, negative: boolean, start: number): LiteralNode {
    const text = token.value;
    const signed = negative ? `-${text}` : text;
    const node = (value: number | bigint): LiteralNode => ({ type: "literal", value, start, end: token.end });
    if (/[.eE]/.test(text)) {
      const value = Number(signed);
      if (!Number.isFinite(value)) this.fail(`The number ${signed} at position ${start} is too large`, start);
      return node(value);
    }
    // Integer constants are Int64 in Service Bus; keep them as plain numbers whenever that loses nothing.
    const big = BigInt(signed);
    if (big < INT64_MIN || big > INT64_MAX) {
      this.fail(`The integer ${signed} at position ${start} is outside the 64-bit range`, start);
    }
    const asNumber = Number(big);
    return node(Number.isSafeInteger(asNumber) ? asNumber : big);
  }

  private property(): PropertyNode {
    const first = this.peek();
    if (first.kind !== "word" && first.kind !== "name")
      return this.fail(this.expected("a property name", first), first.start);
    const scopeWord = first.kind === "word" ? first.value.toLowerCase() : "";
    const scoped = (scopeWord === "sys" || scopeWord === "user") && this.isOperator(this.peekAt(1), ".");
    if (!scoped && first.keyword !== undefined)
      this.fail(this.expected("a property name", first), first.start);
    this.next();
    let scope: "user" | "sys" | undefined;
    let nameToken = first;
    if (scoped) {
      scope = scopeWord === "sys" ? "sys" : "user";
      this.next();
      nameToken = this.peek();
      // After a scope any word is a name, keywords included (user.not), since nothing else can follow the dot.
      if (nameToken.kind !== "word" && nameToken.kind !== "name") {
        this.fail(this.expected("a property name", nameToken), nameToken.start);
      }
      this.next();
    }
    const start = first.start;
    const end = nameToken.end;
    const text = this.source.slice(start, end);
    this.lastText = text;
    const after = this.peek();
    if (this.isOperator(after, "(")) {
      this.fail(
        `Unexpected "(" after "${text}" at position ${after.start}: functions such as newid() and property() are not supported`,
        after.start,
      );
    }
    if (scope !== "sys") return { type: "user", name: nameToken.value, start, end };
    const info = findSystemProperty(nameToken.value);
    if (info === undefined) {
      this.fail(
        `Unknown system property "${text}" at position ${start}; valid system properties are ${SYSTEM_PROPERTY_NAMES}`,
        start,
      );
    }
    return { type: "sys", key: info.key, display: `sys.${info.name}`, writable: info.writable, start, end };
  }

  // ---- helpers ----

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== "end") this.fail(this.expected("an operator", token), token.start);
  }

  asCondition(node: Node): Node {
    if (isPlainValue(node)) {
      this.fail(
        `Expected a condition at position ${node.start} but found the value ${this.quote(node)}; compare it with an operator such as =`,
        node.start,
      );
    }
    return node;
  }

  private asValue(node: Node): Node {
    if (isCondition(node)) {
      this.fail(
        `Expected a value at position ${node.start} but found the condition ${this.quote(node)}`,
        node.start,
      );
    }
    return node;
  }

  private canStartOperand(token: Token): boolean {
    if (token.kind === "end") return false;
    if (token.kind === "operator") return token.value === "(" || token.value === "-" || token.value === "+";
    if (token.kind === "word" && token.keyword !== undefined) {
      return token.keyword === "TRUE" || token.keyword === "FALSE" || token.keyword === "NULL";
    }
    return true;
  }

  private enter(token: Token): void {
    if (++this.depth > MAX_NESTING_DEPTH) {
      this.fail(
        `Expression is nested too deeply at position ${token.start}: at most ${MAX_NESTING_DEPTH} levels of parentheses, NOT and signs are allowed`,
        token.start,
      );
    }
  }

  private expectOperator(operator: string): Token {
    const token = this.peek();
    if (!this.isOperator(token, operator)) this.fail(this.expected(`"${operator}"`, token), token.start);
    return this.next();
  }

  private peek(): Token {
    return this.peekAt(0);
  }

  private peekAt(offset: number): Token {
    // The token list always ends with an "end" token, and reading past it yields that token again.
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== "end") this.index++;
    this.lastText = token.text;
    return token;
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.keyword === keyword;
  }

  private isOperator(token: Token, operator: string): boolean {
    return token.kind === "operator" && token.value === operator;
  }

  private lastEnd(nodes: Node[]): number {
    return nodes[nodes.length - 1]?.end ?? 0;
  }

  private expected(what: string, found: Token): string {
    const after = this.lastText === "" ? "" : ` after ${clip(this.lastText)}`;
    const foundText = found.kind === "end" ? "end of expression" : clip(found.text);
    return `Expected ${what}${after} at position ${found.start} but found ${foundText}`;
  }

  private quote(node: Node): string {
    return clip(this.source.slice(node.start, node.end));
  }

  private fail(message: string, position: number): never {
    throw new FilterSyntaxError(message, this.source, position);
  }
}

/** Quotes text for a message, shortened so a huge literal cannot flood a log line. */
function clip(text: string): string {
  const short = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return `"${short}"`;
}

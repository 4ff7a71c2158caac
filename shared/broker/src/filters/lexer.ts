// Splits filter and action text into tokens. Every failure is a FilterSyntaxError carrying the offending offset.
import { FilterSyntaxError } from "./filter-syntax-error.ts";

export type TokenKind = "word" | "name" | "string" | "number" | "operator" | "end";

export interface Token {
  kind: TokenKind;
  /** The token as written, for error messages. */
  text: string;
  /**
   * word: the word; name: a [delimited] or "quoted" identifier, unescaped; string: the literal, unescaped;
   * number: the digits as written; operator: the operator.
   */
  value: string;
  /** Upper-cased keyword when a word is one; delimited names never are, which is how [NOT] stays a property. */
  keyword: string | undefined;
  start: number;
  end: number;
}

export const KEYWORDS: ReadonlySet<string> = new Set([
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
  "FALSE",
]);

// Longest first, so "<>" and "<=" win over "<".
const OPERATORS = ["<>", "<=", ">=", "!=", "=", "<", ">", "+", "-", "*", "/", "%", "(", ")", ",", ";", "."];

const LETTER = /\p{L}/u;
const LETTER_OR_DIGIT = /[\p{L}\p{Nd}]/u;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isWordStart(char: string): boolean {
  const code = char.charCodeAt(0);
  if (code < 128) return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
  return LETTER.test(char);
}

function isWordPart(char: string): boolean {
  const code = char.charCodeAt(0);
  if (code < 128) return isWordStart(char) || isDigit(code);
  return LETTER_OR_DIGIT.test(char);
}

/** The code point at `index` as a string (one or two UTF-16 units). */
function charAt(source: string, index: number): string {
  return String.fromCodePoint(source.codePointAt(index) ?? 0);
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const fail = (message: string, position: number): never => {
    throw new FilterSyntaxError(message, source, position);
  };
  let i = 0;
  while (i < source.length) {
    const code = source.charCodeAt(i);
    // Any Unicode white space separates tokens, as in T-SQL.
    if (code === 32 || (code >= 9 && code <= 13) || (code > 127 && /\s/u.test(source[i] ?? ""))) {
      i++;
      continue;
    }
    const start = i;
    const char = charAt(source, i);

    if (char === "'") {
      i = readQuoted(source, i, "'", "string literal", fail);
      tokens.push(token("string", source, start, i, unquote(source.slice(start + 1, i - 1), "'")));
      continue;
    }
    if (char === '"') {
      i = readQuoted(source, i, '"', "quoted identifier", fail);
      tokens.push(token("name", source, start, i, unquote(source.slice(start + 1, i - 1), '"')));
      continue;
    }
    if (char === "[") {
      i = readBracketed(source, i, fail);
      tokens.push(token("name", source, start, i, source.slice(start + 1, i - 1).replaceAll("]]", "]")));
      continue;
    }
    if (isDigit(code) || (char === "." && isDigit(source.charCodeAt(i + 1)))) {
      i = readNumber(source, i, fail);
      tokens.push(token("number", source, start, i, source.slice(start, i)));
      continue;
    }
    if (isWordStart(char)) {
      i += char.length;
      while (i < source.length) {
        const next = charAt(source, i);
        if (!isWordPart(next)) break;
        i += next.length;
      }
      const word = source.slice(start, i);
      const upper = word.toUpperCase();
      const t = token("word", source, start, i, word);
      t.keyword = KEYWORDS.has(upper) ? upper : undefined;
      tokens.push(t);
      continue;
    }
    const operator = OPERATORS.find((op) => source.startsWith(op, i));
    if (operator !== undefined) {
      i += operator.length;
      tokens.push(token("operator", source, start, i, operator));
      continue;
    }
    const hint = char === "@" ? " (filter parameters are not supported; write the value inline)" : "";
    fail(`Unexpected character "${char}" at position ${start}${hint}`, start);
  }
  tokens.push(token("end", source, source.length, source.length, ""));
  return tokens;
}

function token(kind: TokenKind, source: string, start: number, end: number, value: string): Token {
  return { kind, text: source.slice(start, end), value, keyword: undefined, start, end };
}

/** Index just past the closing quote; a doubled quote stands for one quote character. */
function readQuoted(
  source: string,
  start: number,
  quote: string,
  what: string,
  fail: (message: string, position: number) => never,
): number {
  let i = start + 1;
  for (;;) {
    const close = source.indexOf(quote, i);
    if (close < 0)
      return fail(`Unterminated ${what} starting at position ${start}: missing closing ${quote}`, start);
    if (source[close + 1] !== quote) return close + 1;
    i = close + 2;
  }
}

function unquote(body: string, quote: string): string {
  return body.replaceAll(quote + quote, quote);
}

/** Index just past the closing bracket; "]]" stands for "]". */
function readBracketed(
  source: string,
  start: number,
  fail: (message: string, position: number) => never,
): number {
  let i = start + 1;
  for (;;) {
    const close = source.indexOf("]", i);
    if (close < 0)
      return fail(`Unterminated [delimited name] starting at position ${start}: missing closing ]`, start);
    if (source[close + 1] !== "]") {
      if (close === start + 1) return fail(`Empty [delimited name] at position ${start}`, start);
      return close + 1;
    }
    i = close + 2;
  }
}

/** Digits, an optional fraction and an optional exponent: 42, 4.2, .5, 101.5E5, 0.5E-2. */
function readNumber(
  source: string,
  start: number,
  fail: (message: string, position: number) => never,
): number {
  let i = start;
  while (isDigit(source.charCodeAt(i))) i++;
  if (source[i] === "." && isDigit(source.charCodeAt(i + 1))) {
    i++;
    while (isDigit(source.charCodeAt(i))) i++;
  } else if (source[i] === "." && !isWordStart(source[i + 1] ?? " ")) {
    // "2." is still a decimal in T-SQL; a following letter would be a (nonsensical) member access instead.
    i++;
  }
  if (source[i] === "e" || source[i] === "E") {
    let j = i + 1;
    if (source[j] === "+" || source[j] === "-") j++;
    if (!isDigit(source.charCodeAt(j))) {
      fail(`Expected digits in the exponent of "${source.slice(start, j)}" at position ${j}`, j);
    }
    while (isDigit(source.charCodeAt(j))) j++;
    i = j;
  }
  const next = source[i];
  if (next !== undefined && (isWordStart(charAt(source, i)) || next === ".")) {
    fail(
      `Unexpected "${charAt(source, i)}" right after the number "${source.slice(start, i)}" at position ${i}`,
      i,
    );
  }
  return i;
}

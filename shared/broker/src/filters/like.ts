// LIKE patterns: % is any run of characters, _ is exactly one, an ESCAPE character makes the next one literal.
// Patterns compile to a plain matcher instead of a RegExp: no metacharacter can leak into a regex, and the
// matcher's worst case is length(text) × length(pattern), so a hostile pattern such as '%a%a%a%a%b' cannot make
// the broker backtrack exponentially. Matching is case-sensitive, like string equality in Service Bus.

export type LikeMatcher = (text: string) => boolean;

/** Thrown for a pattern that cannot mean anything; callers turn it into a syntax error or an unknown result. */
export class LikePatternError extends Error {
  /** Which operand is at fault, so a syntax error can point at it. */
  readonly culprit: "pattern" | "escape";

  constructor(message: string, culprit: "pattern" | "escape") {
    super(message);
    this.culprit = culprit;
  }
}

const ANY = 0; // %
const ONE = 1; // _
type Part = string | typeof ANY | typeof ONE;

export function compileLike(pattern: string, escapeChar: string | undefined): LikeMatcher {
  if (escapeChar !== undefined && [...escapeChar].length !== 1) {
    throw new LikePatternError(
      `the ESCAPE character must be exactly one character, not "${escapeChar}"`,
      "escape",
    );
  }
  const parts = splitPattern(pattern, escapeChar);
  return specialize(parts) ?? ((text) => matchParts(parts, text));
}

function splitPattern(pattern: string, escapeChar: string | undefined): Part[] {
  const parts: Part[] = [];
  let literal = "";
  const flush = () => {
    if (literal !== "") parts.push(literal);
    literal = "";
  };
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] as string;
    if (char === escapeChar) {
      const escaped = chars[++i];
      if (escaped === undefined)
        throw new LikePatternError(`the pattern "${pattern}" ends with its ESCAPE character`, "pattern");
      literal += escaped;
    } else if (char === "%") {
      flush();
      if (parts[parts.length - 1] !== ANY) parts.push(ANY);
    } else if (char === "_") {
      flush();
      parts.push(ONE);
    } else {
      literal += char;
    }
  }
  flush();
  return parts;
}

/** Shapes that string methods answer directly: 'abc', 'abc%', '%abc', '%abc%', '%'. */
function specialize(parts: Part[]): LikeMatcher | undefined {
  const [a, b, c] = parts;
  if (parts.length === 0) return (text) => text === "";
  if (parts.length === 1) {
    if (a === ANY) return () => true;
    if (typeof a === "string") return (text) => text === a;
  }
  if (parts.length === 2) {
    if (typeof a === "string" && b === ANY) return (text) => text.startsWith(a);
    if (a === ANY && typeof b === "string") return (text) => text.endsWith(b);
  }
  if (parts.length === 3 && a === ANY && typeof b === "string" && c === ANY)
    return (text) => text.includes(b);
  return undefined;
}

/** Width in UTF-16 units of the character at `index`, so _ and % never split a surrogate pair. */
function charWidth(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code >= 0xd800 && code <= 0xdbff) {
    const low = text.charCodeAt(index + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return 2;
  }
  return 1;
}

/**
 * Greedy matching that, on a mismatch, retries from the most recent % with it swallowing one more character.
 * Only the latest % ever needs revisiting, which is what bounds the work.
 */
function matchParts(parts: readonly Part[], text: string): boolean {
  let p = 0;
  let t = 0;
  let starPart = -1;
  let starText = 0;
  while (t < text.length) {
    const part = parts[p];
    if (part === ANY) {
      starPart = p++;
      starText = t;
      continue;
    }
    if (part === ONE) {
      t += charWidth(text, t);
      p++;
      continue;
    }
    if (part !== undefined && text.startsWith(part, t)) {
      t += part.length;
      p++;
      continue;
    }
    if (starPart < 0) return false;
    starText += charWidth(text, starText);
    t = starText;
    p = starPart + 1;
  }
  while (parts[p] === ANY) p++;
  return p === parts.length;
}

/**
 * Raised when a SQL filter or rule action cannot be compiled. The message is meant for people: it says what was
 * found, what was expected instead and where (a 0-based character offset into `expression`).
 */
export class FilterSyntaxError extends Error {
  /** The exact text that failed, so callers can tell a filter's error from its action's. */
  readonly expression: string;
  /** 0-based offset into `expression`; `expression.length` when the text ended too early. */
  readonly position: number;

  constructor(message: string, expression: string, position: number) {
    super(message);
    this.name = "FilterSyntaxError";
    this.expression = expression;
    this.position = position;
  }
}

import { describeValue, type Problem, summarize } from "./problems.ts";

// Typed failures of event validation. Messages name the attribute or data field at fault and never echo
// long values or anything that looks like a secret, so they are safe in logs and dead-letter reasons.

/** A CloudEvents attribute (envelope field or extension) is missing or malformed. */
export class EnvelopeError extends Error {
  override readonly name = "EnvelopeError";
  /** The attribute at fault, e.g. "time" or "correlationid". */
  readonly attribute: string;
  readonly reason: string;
  readonly problems: readonly [Problem, ...Problem[]];

  constructor(problems: readonly [Problem, ...Problem[]]) {
    super(summarize(problems));
    this.problems = problems;
    this.attribute = problems[0].path.split(/[.[]/, 1)[0] ?? problems[0].path;
    this.reason = problems[0].reason;
  }
}

/** The type attribute is well formed but names no HayMaker event. */
export class UnknownEventTypeError extends Error {
  override readonly name = "UnknownEventTypeError";
  readonly eventType: string;
  readonly reason: string;

  constructor(eventType: string) {
    const reason = `unknown event type ${describeValue(eventType)}`;
    super(reason);
    this.eventType = eventType;
    this.reason = reason;
  }
}

/** An event's data does not match the schema of its type. */
export class EventDataError extends Error {
  override readonly name = "EventDataError";
  readonly eventType: string;
  /** The data field at fault, e.g. "data.duration" or "data.scenarios[2]". */
  readonly path: string;
  readonly reason: string;
  readonly problems: readonly [Problem, ...Problem[]];

  constructor(eventType: string, problems: readonly [Problem, ...Problem[]]) {
    super(`${eventType}: ${summarize(problems)}`);
    this.eventType = eventType;
    this.problems = problems;
    this.path = problems[0].path;
    this.reason = problems[0].reason;
  }
}

// Subscription rules: a filter that selects messages plus an optional action that edits the selected copy.
import { compileAction } from "./compile-action.ts";
import { compileCondition } from "./compile-expression.ts";
import { type CorrelationFilterSpec, compileCorrelation } from "./correlation.ts";
import { FilterSyntaxError } from "./filter-syntax-error.ts";
import type { FilterableMessage } from "./message.ts";
import { parseAction, parseFilter } from "./parser.ts";

export interface Rule {
  name: string;
  matches(m: FilterableMessage): boolean;
  /** Runs the rule action on `m` in place; a no-op for rules without one. */
  apply(m: FilterableMessage): void;
}

const noAction = (): void => {};

/** A SQL filter rule; throws FilterSyntaxError for a filter or action that does not compile. */
export function sqlRule(name: string, filterExpression: string, actionExpression?: string): Rule {
  const condition = guard(filterExpression, () => {
    return compileCondition(parseFilter(filterExpression), filterExpression);
  });
  return { name, matches: (m) => condition(m) === true, apply: action(actionExpression) };
}

/** A correlation filter rule; a spec naming no field matches nothing (see correlation.ts). */
export function correlationRule(name: string, spec: CorrelationFilterSpec, actionExpression?: string): Rule {
  return { name, matches: compileCorrelation(spec), apply: action(actionExpression) };
}

/** The TrueFilter that every new subscription starts with as "$Default". */
export function trueRule(name = "$Default"): Rule {
  return { name, matches: () => true, apply: noAction };
}

/**
 * What one subscription receives: undefined when no rule matches, otherwise a copy of the message with the
 * action of every matching rule applied in rule order. All filters see the message as sent, not as an earlier
 * action left it, and the input is never modified.
 */
export function evaluateRules(rules: readonly Rule[], m: FilterableMessage): FilterableMessage | undefined {
  let matched: Rule[] | undefined;
  for (const rule of rules) {
    if (!rule.matches(m)) continue;
    matched ??= [];
    matched.push(rule);
  }
  if (matched === undefined) return undefined;
  const copy: FilterableMessage = { system: { ...m.system }, user: { ...m.user } };
  for (const rule of matched) rule.apply(copy);
  return copy;
}

function action(actionExpression: string | undefined): (m: FilterableMessage) => void {
  // A blank (or null, from untyped callers) action means "none", like Service Bus's EmptyRuleAction, rather
  // than an error: config files and tools often carry an empty string for an absent action.
  if (actionExpression == null) return noAction;
  return guard(actionExpression, () => {
    if (actionExpression.trim() === "") return noAction;
    return compileAction(parseAction(actionExpression), actionExpression);
  });
}

/** Compiles, promising callers that nothing but a FilterSyntaxError ever escapes, whatever the input. */
function guard<T>(expression: unknown, compile: () => T): T {
  if (typeof expression !== "string") {
    throw new FilterSyntaxError(
      `Expected the expression to be a string but found ${typeof expression}`,
      String(expression),
      0,
    );
  }
  try {
    return compile();
  } catch (error) {
    if (error instanceof FilterSyntaxError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new FilterSyntaxError(`Could not compile the expression: ${reason}`, expression, 0);
  }
}

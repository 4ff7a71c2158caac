// The subscription rule engine: Service Bus SQL filters, correlation filters, the TrueFilter and rule actions.
export type { CorrelationFilterSpec } from "./correlation.ts";
export { FilterSyntaxError } from "./filter-syntax-error.ts";
export type { FilterableMessage, SystemProperties } from "./message.ts";
export { correlationRule, evaluateRules, type Rule, sqlRule, trueRule } from "./rules.ts";

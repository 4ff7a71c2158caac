// Rule management on `<topic>/Subscriptions/<name>/$management`: add-rule, remove-rule, enumerate-rules,
// as the SDKs' rule managers send them. Rules travel as the AMQP described types Service Bus defines
// (com.microsoft:rule-description:list, …:sql-filter:list, …:correlation-filter:list, …).

import { type Typed, types } from "../amqp/rhea.ts";
import type { RuleDefinition, RuleFilter } from "../config/topology.ts";
import type { CorrelationFilterSpec } from "../filters/index.ts";

const RULE_DESCRIPTION = 0x0000013700000004;
const EMPTY_RULE_ACTION = 0x0000013700000005;
const SQL_RULE_ACTION = 0x0000013700000006;
const SQL_FILTER = 0x0000001370000006;
const TRUE_FILTER = 0x0000001370000007;
const FALSE_FILTER = 0x0000001370000008;
const CORRELATION_FILTER = 0x0000001370000009;
/** The SQL compatibility level Service Bus reports for its filters and actions. */
const COMPATIBILITY_LEVEL = 20;

export class RuleRequestError extends Error {
  override name = "RuleRequestError";
}

type Body = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : String(value);

/** Reads the rule-description map of an add-rule request. */
export function ruleFromRequest(request: Body): RuleDefinition {
  const name = text(request["rule-name"]);
  if (!name) throw new RuleRequestError("rule-name is required");
  const description = request["rule-description"] as Body | undefined;
  if (!description || typeof description !== "object")
    throw new RuleRequestError("rule-description is required");
  const sql = description["sql-filter"] as Body | undefined;
  const correlation = description["correlation-filter"] as Body | undefined;
  let filter: RuleFilter;
  if (sql) {
    const expression = text(sql.expression);
    if (!expression) throw new RuleRequestError("sql-filter.expression is required");
    filter = { kind: "sql", expression };
  } else if (correlation) {
    const spec: CorrelationFilterSpec = {
      correlationId: text(correlation["correlation-id"]),
      messageId: text(correlation["message-id"]),
      to: text(correlation.to),
      replyTo: text(correlation["reply-to"]),
      label: text(correlation.label),
      sessionId: text(correlation["session-id"]),
      replyToSessionId: text(correlation["reply-to-session-id"]),
      contentType: text(correlation["content-type"]),
      properties: (correlation.properties ?? undefined) as CorrelationFilterSpec["properties"],
    };
    filter = { kind: "correlation", spec };
  } else {
    throw new RuleRequestError("rule-description needs a sql-filter or a correlation-filter");
  }
  const action = text((description["sql-rule-action"] as Body | undefined)?.expression);
  return { name, filter, action };
}

const optionalString = (value: string | undefined): Typed =>
  value === undefined ? types.Null() : types.wrap_string(value);

function describedFilter(filter: RuleFilter): Typed {
  if (filter.kind === "true") {
    return types.described(
      types.wrap_ulong(TRUE_FILTER),
      types.wrap_list([types.wrap_string("1=1"), types.wrap_int(COMPATIBILITY_LEVEL)]),
    );
  }
  if (filter.kind === "sql") {
    // `1=0` is how the SDKs spell a false filter; report it as one, as Service Bus does.
    const code = filter.expression.replaceAll(" ", "") === "1=0" ? FALSE_FILTER : SQL_FILTER;
    return types.described(
      types.wrap_ulong(code),
      types.wrap_list([types.wrap_string(filter.expression), types.wrap_int(COMPATIBILITY_LEVEL)]),
    );
  }
  const spec = filter.spec;
  return types.described(
    types.wrap_ulong(CORRELATION_FILTER),
    types.wrap_list([
      optionalString(spec.correlationId),
      optionalString(spec.messageId),
      optionalString(spec.to),
      optionalString(spec.replyTo),
      optionalString(spec.label),
      optionalString(spec.sessionId),
      optionalString(spec.replyToSessionId),
      optionalString(spec.contentType),
      types.wrap_map(spec.properties ?? {}),
    ]),
  );
}

function describedAction(action: string | undefined): Typed {
  if (!action) return types.described(types.wrap_ulong(EMPTY_RULE_ACTION), types.wrap_list([]));
  return types.described(
    types.wrap_ulong(SQL_RULE_ACTION),
    types.wrap_list([types.wrap_string(action), types.wrap_int(COMPATIBILITY_LEVEL)]),
  );
}

/** The enumerate-rules response body for a page of rules. */
export function rulesResponse(rules: readonly RuleDefinition[], skip: number, top: number): Body {
  return {
    rules: rules.slice(skip, skip + top).map((rule) => ({
      "rule-description": types.described(
        types.wrap_ulong(RULE_DESCRIPTION),
        types.wrap_list([
          describedFilter(rule.filter),
          describedAction(rule.action),
          types.wrap_string(rule.name),
        ]),
      ),
    })),
  };
}

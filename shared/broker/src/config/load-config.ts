// Reads a topology file in the format of Microsoft's Service Bus emulator Config.json
// (UserConfig.Namespaces[].Queues/Topics[].Subscriptions[].Rules[]), so people who know that emulator know
// this broker. A bad file is refused with an error naming the entity and the field at fault.
import { readFileSync } from "node:fs";
import * as v from "valibot";
import { correlationRule, FilterSyntaxError, sqlRule } from "../filters/index.ts";
import { parseIsoDuration } from "./duration.ts";
import type { EntitySettings, RuleDefinition, RuleFilter, Topology } from "./topology.ts";

// Defaults are the emulator's (LockDuration PT1M, MaxDeliveryCount 3, duplicate detection window PT20S), so a
// file means the same here as there — except time-to-live: the emulator caps it at one hour, and here, as in
// Azure, a message without one never expires.
const DEFAULT_MAX_DELIVERY_COUNT = 3;
const DEFAULT_DUPLICATE_WINDOW_MS = 20_000;

export class ConfigError extends Error {
  override name = "ConfigError";
}

const duration = v.pipe(
  v.string("expected an ISO-8601 duration such as PT1M"),
  v.check(
    (text) => parseIsoDuration(text) !== undefined,
    "expected an ISO-8601 duration such as PT1M or P14D",
  ),
  v.check((text) => (parseIsoDuration(text) ?? 0) > 0, "must be longer than zero"),
);
// Service Bus entity names: letters, digits, periods, hyphens, underscores (and slashes for queues/topics).
const entityName = v.pipe(
  v.string("expected a name"),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]{0,259}$/, "must be 1-260 letters, digits, '.', '-', '_' or '/'"),
);
const subscriptionName = v.pipe(
  v.string("expected a name"),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/, "must be 1-50 letters, digits, '.', '-' or '_'"),
);
const optionalTarget = v.optional(v.string("expected an entity name or an empty string"));
const requiresSession = v.optional(
  v.literal(false, "sessions are not supported by HayMaker's embedded broker; set RequiresSession to false"),
);

const QueueProperties = v.object({
  DeadLetteringOnMessageExpiration: v.optional(v.boolean("expected true or false")),
  DefaultMessageTimeToLive: v.optional(duration),
  DuplicateDetectionHistoryTimeWindow: v.optional(duration),
  RequiresDuplicateDetection: v.optional(v.boolean("expected true or false")),
  ForwardDeadLetteredMessagesTo: optionalTarget,
  ForwardTo: optionalTarget,
  LockDuration: v.optional(duration),
  MaxDeliveryCount: v.optional(
    v.pipe(
      v.number("expected a whole number"),
      v.integer("expected a whole number"),
      v.minValue(1),
      v.maxValue(2000),
    ),
  ),
  RequiresSession: requiresSession,
});

const CorrelationFilter = v.object({
  ContentType: v.optional(v.string()),
  CorrelationId: v.optional(v.string()),
  Label: v.optional(v.string()),
  MessageId: v.optional(v.string()),
  ReplyTo: v.optional(v.string()),
  ReplyToSessionId: v.optional(v.string()),
  SessionId: v.optional(v.string()),
  To: v.optional(v.string()),
  Properties: v.optional(
    v.record(
      v.string(),
      v.union([v.string(), v.number(), v.boolean()], "expected a string, number or boolean"),
    ),
  ),
});

const Rule = v.object({
  Name: subscriptionName,
  Properties: v.object({
    FilterType: v.picklist(["Sql", "Correlation"], 'expected "Sql" or "Correlation"'),
    SqlFilter: v.optional(v.object({ SqlExpression: v.string("expected a SQL filter expression") })),
    CorrelationFilter: v.optional(CorrelationFilter),
    Action: v.optional(v.object({ SqlExpression: v.string("expected a SQL action such as SET user.x = 1") })),
  }),
});

const Subscription = v.object({
  Name: subscriptionName,
  Properties: v.optional(
    v.omit(QueueProperties, ["DuplicateDetectionHistoryTimeWindow", "RequiresDuplicateDetection"]),
    {},
  ),
  Rules: v.optional(v.array(Rule, "expected a list of rules"), []),
});

const ConfigFile = v.object({
  UserConfig: v.object({
    Namespaces: v.pipe(
      v.array(
        v.object({
          Name: v.string("expected the namespace name"),
          Queues: v.optional(
            v.array(v.object({ Name: entityName, Properties: v.optional(QueueProperties, {}) })),
            [],
          ),
          Topics: v.optional(
            v.array(
              v.object({
                Name: entityName,
                Properties: v.optional(
                  v.object({
                    DefaultMessageTimeToLive: v.optional(duration),
                    DuplicateDetectionHistoryTimeWindow: v.optional(duration),
                    RequiresDuplicateDetection: v.optional(v.boolean("expected true or false")),
                  }),
                  {},
                ),
                Subscriptions: v.optional(v.array(Subscription, "expected a list of subscriptions"), []),
              }),
            ),
            [],
          ),
        }),
      ),
      v.length(1, "HayMaker's embedded broker serves exactly one namespace"),
    ),
    Logging: v.optional(v.unknown()),
  }),
});

type ConfigFileShape = v.InferOutput<typeof ConfigFile>;

/** Parses the text of a Config.json. `source` names the file in errors. */
export function parseConfig(text: string, source = "Config.json"): Topology {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  const result = v.safeParse(ConfigFile, json);
  if (!result.success) {
    const issue = result.issues[0];
    throw new ConfigError(`${source}: ${describePath(issue.path ?? [])}: ${issue.message}`);
  }
  return toTopology(result.output, source);
}

export function loadConfig(file: string): Topology {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigError(
      `cannot read the broker config ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
    );
  }
  return parseConfig(text, file);
}

/** `UserConfig.Namespaces[0].Topics[1] "orders".Subscriptions[0] "audit".Properties.LockDuration` */
function describePath(path: readonly v.IssuePathItem[]): string {
  let text = "";
  for (const item of path) {
    const key = item.key as string | number;
    if (typeof key === "number") {
      const name = (item.input as Array<{ Name?: unknown }>)[key]?.Name;
      text += `[${key}]${typeof name === "string" ? ` "${name}"` : ""}`;
    } else {
      text += text ? `.${key}` : key;
    }
  }
  return text || "the top level";
}

/** The duplicate detection window of a queue or topic, or undefined when it does not detect duplicates. */
function duplicateWindowMs(properties: {
  RequiresDuplicateDetection?: boolean | undefined;
  DuplicateDetectionHistoryTimeWindow?: string | undefined;
}): number | undefined {
  if (!properties.RequiresDuplicateDetection) return undefined;
  const window = properties.DuplicateDetectionHistoryTimeWindow;
  return window ? parseIsoDuration(window) : DEFAULT_DUPLICATE_WINDOW_MS;
}

function settings(properties: v.InferOutput<typeof QueueProperties>, topicTtl?: number): EntitySettings {
  return {
    lockDurationMs: parseIsoDuration(properties.LockDuration ?? "PT1M") ?? 60_000,
    maxDeliveryCount: properties.MaxDeliveryCount ?? DEFAULT_MAX_DELIVERY_COUNT,
    defaultTtlMs: properties.DefaultMessageTimeToLive
      ? parseIsoDuration(properties.DefaultMessageTimeToLive)
      : topicTtl,
    deadLetteringOnMessageExpiration: properties.DeadLetteringOnMessageExpiration ?? false,
    forwardTo: properties.ForwardTo || undefined,
    forwardDeadLetteredMessagesTo: properties.ForwardDeadLetteredMessagesTo || undefined,
    duplicateDetectionWindowMs: duplicateWindowMs(properties),
  };
}

function toTopology(config: ConfigFileShape, source: string): Topology {
  const namespace = config.UserConfig.Namespaces[0] as ConfigFileShape["UserConfig"]["Namespaces"][number];
  const where = (path: string) => `${source}: UserConfig.Namespaces[0] "${namespace.Name}".${path}`;
  const seen = new Map<string, string>();
  const claim = (name: string, path: string) => {
    const key = name.toLowerCase();
    const other = seen.get(key);
    if (other) throw new ConfigError(`${where(path)}: the name "${name}" is already used by ${other}`);
    seen.set(key, path);
  };
  const queues = namespace.Queues.map((queue, i) => {
    claim(queue.Name, `Queues[${i}]`);
    return { name: queue.Name, settings: settings(queue.Properties) };
  });
  const topics = namespace.Topics.map((topic, t) => {
    const topicPath = `Topics[${t}] "${topic.Name}"`;
    claim(topic.Name, topicPath);
    const topicTtl = topic.Properties.DefaultMessageTimeToLive
      ? parseIsoDuration(topic.Properties.DefaultMessageTimeToLive)
      : undefined;
    const subscriptionNames = new Set<string>();
    const subscriptions = topic.Subscriptions.map((subscription, s) => {
      const subscriptionPath = `${topicPath}.Subscriptions[${s}] "${subscription.Name}"`;
      const lower = subscription.Name.toLowerCase();
      if (subscriptionNames.has(lower))
        throw new ConfigError(`${where(subscriptionPath)}: the subscription name is used twice`);
      subscriptionNames.add(lower);
      const rules = subscription.Rules.map((rule, r) =>
        toRule(rule, where(`${subscriptionPath}.Rules[${r}] "${rule.Name}"`)),
      );
      return { name: subscription.Name, settings: settings(subscription.Properties, topicTtl), rules };
    });
    return {
      name: topic.Name,
      defaultTtlMs: topicTtl,
      duplicateDetectionWindowMs: duplicateWindowMs(topic.Properties),
      subscriptions,
    };
  });
  checkForwardTargets(queues, topics, seen, where);
  return { namespace: namespace.Name, queues, topics };
}

function toRule(rule: v.InferOutput<typeof Rule>, where: string): RuleDefinition {
  const { FilterType, SqlFilter, CorrelationFilter: correlation, Action } = rule.Properties;
  let filter: RuleFilter;
  if (FilterType === "Sql") {
    if (!SqlFilter) throw new ConfigError(`${where}.Properties.SqlFilter: required when FilterType is "Sql"`);
    filter = { kind: "sql", expression: SqlFilter.SqlExpression };
  } else {
    if (!correlation)
      throw new ConfigError(
        `${where}.Properties.CorrelationFilter: required when FilterType is "Correlation"`,
      );
    filter = {
      kind: "correlation",
      spec: {
        contentType: correlation.ContentType,
        correlationId: correlation.CorrelationId,
        label: correlation.Label,
        messageId: correlation.MessageId,
        replyTo: correlation.ReplyTo,
        replyToSessionId: correlation.ReplyToSessionId,
        sessionId: correlation.SessionId,
        to: correlation.To,
        properties: correlation.Properties,
      },
    };
  }
  const action = Action?.SqlExpression;
  // Compile now so a typo is reported at start, naming the rule, not on the first message.
  try {
    if (filter.kind === "sql") sqlRule(rule.Name, filter.expression, action);
    else correlationRule(rule.Name, filter.spec, action);
  } catch (error) {
    if (error instanceof FilterSyntaxError) {
      const field =
        filter.kind === "sql" && error.expression === filter.expression
          ? "SqlFilter.SqlExpression"
          : "Action.SqlExpression";
      throw new ConfigError(`${where}.Properties.${field}: ${error.message}`);
    }
    throw error;
  }
  return { name: rule.Name, filter, action };
}

function checkForwardTargets(
  queues: Topology["queues"],
  topics: Topology["topics"],
  names: Map<string, string>,
  where: (path: string) => string,
): void {
  const check = (target: string | undefined, path: string) => {
    if (target && !names.has(target.toLowerCase())) {
      throw new ConfigError(
        `${where(path)}: forwards to "${target}", which is not a queue or topic in this file`,
      );
    }
  };
  queues.forEach((queue, i) => {
    check(queue.settings.forwardTo, `Queues[${i}] "${queue.name}".Properties.ForwardTo`);
    check(
      queue.settings.forwardDeadLetteredMessagesTo,
      `Queues[${i}] "${queue.name}".Properties.ForwardDeadLetteredMessagesTo`,
    );
  });
  topics.forEach((topic, t) => {
    topic.subscriptions.forEach((subscription, s) => {
      const path = `Topics[${t}] "${topic.name}".Subscriptions[${s}] "${subscription.name}".Properties`;
      check(subscription.settings.forwardTo, `${path}.ForwardTo`);
      check(subscription.settings.forwardDeadLetteredMessagesTo, `${path}.ForwardDeadLetteredMessagesTo`);
    });
  });
}

import { type CorrelationFilter, isSqlFilter, type SubscriptionRule, type Topology } from "./topology.ts";

// The two documents generated from the topology. Pure functions with a fixed key order, so the generated
// files are stable and a test can check that the committed copies are current.

/** The namespace name in the embedded broker's config (connection strings name it too). */
export const LOCAL_NAMESPACE = "haymaker";

// ---- Microsoft Service Bus emulator Config.json (read by the embedded broker) ----

export interface EmulatorRule {
  Name: string;
  Properties: {
    FilterType: "Sql" | "Correlation";
    SqlFilter?: { SqlExpression: string };
    CorrelationFilter?: {
      ContentType?: string;
      CorrelationId?: string;
      Label?: string;
      MessageId?: string;
      ReplyTo?: string;
      ReplyToSessionId?: string;
      SessionId?: string;
      To?: string;
      Properties?: Record<string, string | number | boolean>;
    };
    Action?: { SqlExpression: string };
  };
}

export interface EmulatorConfig {
  UserConfig: {
    Namespaces: {
      Name: string;
      Queues: never[];
      Topics: {
        Name: string;
        Properties: {
          DefaultMessageTimeToLive: string;
          DuplicateDetectionHistoryTimeWindow: string;
          RequiresDuplicateDetection: boolean;
        };
        Subscriptions: {
          Name: string;
          Properties: {
            DeadLetteringOnMessageExpiration: boolean;
            DefaultMessageTimeToLive: string;
            LockDuration: string;
            MaxDeliveryCount: number;
            ForwardDeadLetteredMessagesTo: string;
            ForwardTo: string;
            RequiresSession: boolean;
          };
          Rules?: EmulatorRule[];
        }[];
      }[];
    }[];
    Logging: { Type: "Console" };
  };
}

// Correlation filter fields in output order, with the emulator's name for each (ARM uses ours).
const CORRELATION_FIELDS = [
  ["contentType", "ContentType"],
  ["correlationId", "CorrelationId"],
  ["label", "Label"],
  ["messageId", "MessageId"],
  ["replyTo", "ReplyTo"],
  ["replyToSessionId", "ReplyToSessionId"],
  ["sessionId", "SessionId"],
  ["to", "To"],
  ["properties", "Properties"],
] as const;

/** The fields a filter sets, in a fixed order; absent fields stay absent, as both formats expect. */
function correlationFields(filter: CorrelationFilter, naming: "emulator" | "arm"): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [field, emulatorName] of CORRELATION_FIELDS) {
    const value = filter[field];
    if (value !== undefined)
      fields[naming === "arm" ? field : emulatorName] = typeof value === "object" ? { ...value } : value;
  }
  return fields;
}

function emulatorRule(rule: SubscriptionRule): EmulatorRule {
  const filter = isSqlFilter(rule.filter)
    ? { FilterType: "Sql" as const, SqlFilter: { SqlExpression: rule.filter.sql } }
    : { FilterType: "Correlation" as const, CorrelationFilter: correlationFields(rule.filter, "emulator") };
  return {
    Name: rule.name,
    Properties: rule.action === undefined ? filter : { ...filter, Action: { SqlExpression: rule.action } },
  };
}

/** The topology in the format of Microsoft's Service Bus emulator Config.json. */
export function buildEmulatorConfig(topology: Topology, namespace = LOCAL_NAMESPACE): EmulatorConfig {
  return {
    UserConfig: {
      Namespaces: [
        {
          Name: namespace,
          Queues: [],
          Topics: topology.topics.map((topic) => ({
            Name: topic.name,
            Properties: {
              DefaultMessageTimeToLive: topic.defaultMessageTimeToLive,
              DuplicateDetectionHistoryTimeWindow: topic.duplicateDetectionHistoryTimeWindow,
              RequiresDuplicateDetection: topic.requiresDuplicateDetection,
            },
            Subscriptions: topic.subscriptions.map((subscription) => ({
              Name: subscription.name,
              Properties: {
                DeadLetteringOnMessageExpiration: subscription.deadLetteringOnMessageExpiration,
                DefaultMessageTimeToLive: subscription.defaultMessageTimeToLive,
                LockDuration: subscription.lockDuration,
                MaxDeliveryCount: subscription.maxDeliveryCount,
                ForwardDeadLetteredMessagesTo: "",
                ForwardTo: "",
                RequiresSession: false,
              },
              // No Rules key at all means the default catch-all rule, as on Service Bus.
              ...(subscription.rules.length > 0 ? { Rules: subscription.rules.map(emulatorRule) } : {}),
            })),
          })),
        },
      ],
      Logging: { Type: "Console" },
    },
  };
}

// ---- Bicep (infra/bicep/topology.json, read with loadJsonContent) ----

export interface ArmRuleProperties {
  filterType: "SqlFilter" | "CorrelationFilter";
  sqlFilter?: { sqlExpression: string };
  correlationFilter?: {
    contentType?: string;
    correlationId?: string;
    label?: string;
    messageId?: string;
    replyTo?: string;
    replyToSessionId?: string;
    sessionId?: string;
    to?: string;
    properties?: Record<string, string | number | boolean>;
  };
  action?: { sqlExpression: string };
}

/**
 * Flat lists rather than nesting: Bicep cannot loop inside a loop, and each list maps onto one resource
 * loop (topics, subscriptions, rules) with the parent names alongside. Property names are ARM's.
 */
export interface BicepTopology {
  topics: {
    name: string;
    properties: {
      defaultMessageTimeToLive: string;
      requiresDuplicateDetection: boolean;
      duplicateDetectionHistoryTimeWindow: string;
    };
  }[];
  subscriptions: {
    topic: string;
    name: string;
    properties: {
      lockDuration: string;
      maxDeliveryCount: number;
      deadLetteringOnMessageExpiration: boolean;
      defaultMessageTimeToLive: string;
    };
  }[];
  rules: { topic: string; subscription: string; name: string; properties: ArmRuleProperties }[];
}

function armRuleProperties(rule: SubscriptionRule): ArmRuleProperties {
  const filter: ArmRuleProperties = isSqlFilter(rule.filter)
    ? { filterType: "SqlFilter", sqlFilter: { sqlExpression: rule.filter.sql } }
    : {
        filterType: "CorrelationFilter",
        correlationFilter: correlationFields(rule.filter, "arm"),
      };
  return rule.action === undefined ? filter : { ...filter, action: { sqlExpression: rule.action } };
}

/** The topology as Bicep reads it. */
export function buildBicepTopology(topology: Topology): BicepTopology {
  const subscriptions = topology.topics.flatMap((topic) => topic.subscriptions);
  return {
    topics: topology.topics.map((topic) => ({
      name: topic.name,
      properties: {
        defaultMessageTimeToLive: topic.defaultMessageTimeToLive,
        requiresDuplicateDetection: topic.requiresDuplicateDetection,
        duplicateDetectionHistoryTimeWindow: topic.duplicateDetectionHistoryTimeWindow,
      },
    })),
    subscriptions: subscriptions.map((subscription) => ({
      topic: subscription.topic,
      name: subscription.name,
      properties: {
        lockDuration: subscription.lockDuration,
        maxDeliveryCount: subscription.maxDeliveryCount,
        deadLetteringOnMessageExpiration: subscription.deadLetteringOnMessageExpiration,
        defaultMessageTimeToLive: subscription.defaultMessageTimeToLive,
      },
    })),
    rules: subscriptions.flatMap((subscription) =>
      subscription.rules.map((rule) => ({
        topic: subscription.topic,
        subscription: subscription.name,
        name: rule.name,
        properties: armRuleProperties(rule),
      })),
    ),
  };
}

/** JSON as committed: two-space indent and a trailing newline. */
export function toJsonFile(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Where the generated files live, relative to the repository root. */
export const GENERATED_FILES = {
  emulatorConfig: "contracts/generated/servicebus-config.json",
  bicepTopology: "infra/bicep/topology.json",
} as const;

/** Each generated file's path and content, from HayMaker's topology or another. */
export function generatedFiles(topology: Topology): { path: string; content: string }[] {
  return [
    { path: GENERATED_FILES.emulatorConfig, content: toJsonFile(buildEmulatorConfig(topology)) },
    { path: GENERATED_FILES.bicepTopology, content: toJsonFile(buildBicepTopology(topology)) },
  ];
}

import { AMQP_TYPE_PROPERTY } from "./cloudevent.ts";
import {
  AGENT_TELEMETRY_TOPIC,
  EVENT_NAMES,
  EVENTS,
  type EventName,
  type EventType,
  eventNameOf,
  eventType,
  type TopicName,
} from "./events/registry.ts";
import { parseIsoDuration } from "./time.ts";

// The Service Bus topology as data: topics come from the event registry, subscriptions from the services
// that consume them (docs/architecture.md). The embedded broker's Config.json and the Bicep templates are generated
// from this (contracts/scripts/generate-topology.ts), so names are never typed twice.

/**
 * The shared access rule whose connection string agents get: Send on agent-telemetry and nothing else, so
 * an agent's code can never read or forge the pipeline's events (deploy refuses to hand agents its own).
 */
export const AGENT_TELEMETRY_SEND_RULE = {
  name: "agent-telemetry-send",
  rights: ["Send"],
  entity: AGENT_TELEMETRY_TOPIC,
} as const;

export interface SqlFilter {
  readonly sql: string;
}

/** Matches when every given system property and application property equals the message's. */
export interface CorrelationFilter {
  readonly correlationId?: string;
  readonly messageId?: string;
  readonly to?: string;
  readonly replyTo?: string;
  /** The message subject. */
  readonly label?: string;
  readonly sessionId?: string;
  readonly replyToSessionId?: string;
  readonly contentType?: string;
  readonly properties?: Readonly<Record<string, string | number | boolean>>;
}

export interface SubscriptionRule {
  readonly name: string;
  readonly filter: SqlFilter | CorrelationFilter;
  /** An optional SQL rule action, e.g. "SET sys.label = 'x'". */
  readonly action?: string;
}

export function isSqlFilter(filter: SqlFilter | CorrelationFilter): filter is SqlFilter {
  return "sql" in filter;
}

export interface Subscription {
  /** The consuming service. */
  readonly name: string;
  readonly topic: TopicName;
  /** The event types this subscription delivers. */
  readonly eventTypes: readonly EventType[];
  /** ISO 8601 duration, at most PT5M (Service Bus limit). */
  readonly lockDuration: string;
  readonly maxDeliveryCount: number;
  readonly deadLetteringOnMessageExpiration: boolean;
  readonly defaultMessageTimeToLive: string;
  /** Empty: the subscription gets every message of its topic. */
  readonly rules: readonly SubscriptionRule[];
}

export interface Topic {
  readonly name: TopicName;
  readonly eventTypes: readonly EventType[];
  readonly defaultMessageTimeToLive: string;
  readonly requiresDuplicateDetection: boolean;
  readonly duplicateDetectionHistoryTimeWindow: string;
  readonly subscriptions: readonly Subscription[];
}

export interface Topology {
  readonly topics: readonly Topic[];
}

export interface ConsumerSpec {
  /** The events the service handles, or "all" for every event type. */
  readonly consumes: readonly EventName[] | "all";
  readonly lockDuration?: string;
  readonly maxDeliveryCount?: number;
}

export const SUBSCRIPTION_DEFAULTS = {
  lockDuration: "PT1M",
  maxDeliveryCount: 5,
  deadLetteringOnMessageExpiration: true,
} as const;

/**
 * Who consumes what (docs/architecture.md, shape). Phases that call slow control planes (Graph, ARM, Container Apps)
 * hold their locks longer; the SDK renews locks too, but a long first lock avoids a redelivery race when
 * a renewal is late. The projector sees everything and is retried more before a message is dead-lettered,
 * since losing a projection update is worse than a late one.
 */
export const CONSUMERS = {
  validate: { consumes: ["run.requested"] },
  select: { consumes: ["run.validated"] },
  provision: { consumes: ["agent.selected"], lockDuration: "PT5M" },
  deploy: { consumes: ["identity.provisioned"], lockDuration: "PT5M" },
  monitor: { consumes: ["agent.deployed", "agent.check", "run.cancel.requested"] },
  "verify-cleanup": { consumes: ["agent.finished"] },
  "force-cleanup": { consumes: ["cleanup.required", "cleanup.requested"], lockDuration: "PT5M" },
  report: { consumes: ["agent.cleaned", "run.failed", "run.rejected", "report.due"] },
  projector: { consumes: "all", maxDeliveryCount: 10 },
} as const satisfies Record<string, ConsumerSpec>;

export type ConsumerService = keyof typeof CONSUMERS;

// Pipeline events wait up to two weeks for a consumer that is down (then they are dead-lettered, not
// lost): a run lasts at most a week and its cleanup must still happen. Telemetry is only worth having
// while fresh, and is the bulk of the traffic.
const PIPELINE_MESSAGE_TTL = "P14D";
const TELEMETRY_MESSAGE_TTL = "P2D";
// Duplicate detection stays off: handlers are idempotent anyway (docs/architecture.md), and an operator replaying a
// dead-lettered event resends it with the same message id, which detection would silently drop; and the
// report's report.due may be scheduled again under its own id (services/report/src/settle.ts).
const DUPLICATE_DETECTION_WINDOW = "PT10M";

function kebab(name: string): string {
  return name.replaceAll(".", "-");
}

function assertDuration(what: string, text: string, maxMs = Number.POSITIVE_INFINITY): void {
  const ms = parseIsoDuration(text);
  if (ms === undefined || ms <= 0 || ms > maxMs) throw new Error(`${what}: invalid duration "${text}"`);
}

/** Builds the topology for a set of consumers. Pure, so tests can try consumers that do not exist. */
export function buildTopology(consumers: Readonly<Record<string, ConsumerSpec>>): Topology {
  const topicNames = [...new Set(EVENT_NAMES.map((name) => EVENTS[name].topic))];
  const topics = topicNames.map((topicName): Topic => {
    const namesOnTopic = EVENT_NAMES.filter((name) => EVENTS[name].topic === topicName);
    const ttl = topicName === AGENT_TELEMETRY_TOPIC ? TELEMETRY_MESSAGE_TTL : PIPELINE_MESSAGE_TTL;
    const subscriptions = Object.entries(consumers).flatMap(([service, spec]): Subscription[] => {
      const wanted = namesOnTopic.filter((name) => spec.consumes === "all" || spec.consumes.includes(name));
      if (wanted.length === 0) return [];
      const lockDuration = spec.lockDuration ?? SUBSCRIPTION_DEFAULTS.lockDuration;
      assertDuration(`${service} lockDuration`, lockDuration, 5 * 60_000);
      const maxDeliveryCount = spec.maxDeliveryCount ?? SUBSCRIPTION_DEFAULTS.maxDeliveryCount;
      if (!Number.isInteger(maxDeliveryCount) || maxDeliveryCount < 1) {
        throw new Error(`${service} maxDeliveryCount: expected a positive integer, got ${maxDeliveryCount}`);
      }
      // On a shared topic, a service that wants only some of its types gets one rule per type: rules are
      // OR-ed, and a correlation filter on one property is the cheapest filter there is.
      const rules =
        wanted.length === namesOnTopic.length
          ? []
          : wanted.map((name) => ({
              name: kebab(name),
              filter: { properties: { [AMQP_TYPE_PROPERTY]: eventType(name) } },
            }));
      return [
        {
          name: service,
          topic: topicName,
          eventTypes: wanted.map(eventType),
          lockDuration,
          maxDeliveryCount,
          deadLetteringOnMessageExpiration: SUBSCRIPTION_DEFAULTS.deadLetteringOnMessageExpiration,
          defaultMessageTimeToLive: ttl,
          rules,
        },
      ];
    });
    return {
      name: topicName,
      eventTypes: namesOnTopic.map(eventType),
      defaultMessageTimeToLive: ttl,
      requiresDuplicateDetection: false,
      duplicateDetectionHistoryTimeWindow: DUPLICATE_DETECTION_WINDOW,
      subscriptions,
    };
  });
  return { topics };
}

/** HayMaker's bus topology. */
export const topology: Topology = buildTopology(CONSUMERS);

/** The topic an event is published on; accepts "run.requested" or "com.haymaker.run.requested.v1". */
export function topicFor(type: EventName | EventType): TopicName {
  return EVENTS[eventNameOf(type)].topic;
}

/** The subscriptions a service receives from, one per topic it consumes. */
export function subscriptionsOf(service: ConsumerService): readonly Subscription[] {
  return topology.topics.flatMap((topic) =>
    topic.subscriptions.filter((subscription) => subscription.name === service),
  );
}

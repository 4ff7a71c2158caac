// The broker's view of its entities, independent of the file format they were read from.
import type { CorrelationFilterSpec } from "../filters/index.ts";

export interface EntitySettings {
  lockDurationMs: number;
  maxDeliveryCount: number;
  /** Undefined: messages never expire unless they carry their own time-to-live. */
  defaultTtlMs: number | undefined;
  deadLetteringOnMessageExpiration: boolean;
  forwardTo: string | undefined;
  forwardDeadLetteredMessagesTo: string | undefined;
  duplicateDetectionWindowMs: number | undefined;
}

export type RuleFilter =
  | { kind: "true" }
  | { kind: "sql"; expression: string }
  | { kind: "correlation"; spec: CorrelationFilterSpec };

export interface RuleDefinition {
  name: string;
  filter: RuleFilter;
  action: string | undefined;
}

export interface QueueDefinition {
  name: string;
  settings: EntitySettings;
}

export interface SubscriptionDefinition {
  name: string;
  settings: EntitySettings;
  rules: RuleDefinition[];
}

export interface TopicDefinition {
  name: string;
  defaultTtlMs: number | undefined;
  duplicateDetectionWindowMs: number | undefined;
  subscriptions: SubscriptionDefinition[];
}

export interface Topology {
  namespace: string;
  queues: QueueDefinition[];
  topics: TopicDefinition[];
}

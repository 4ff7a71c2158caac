// The broker's entities and the paths messages take between them: sends to queues and topics (fan-out to
// subscriptions through their rules), scheduling, duplicate detection, auto-forwarding, dead-lettering,
// and restoring everything from the store after a restart. Knows nothing about AMQP links.
import { randomUUID } from "node:crypto";
import {
  type EncodedMessage,
  type MessageFacts,
  type PropertyChanges,
  parseMessage,
  withApplicationProperties,
  withMessageId,
  withProperties,
} from "../amqp/encoded-message.ts";
import type { EntitySettings, RuleDefinition, Topology } from "../config/topology.ts";
import {
  correlationRule,
  evaluateRules,
  type FilterableMessage,
  type Rule,
  sqlRule,
  trueRule,
} from "../filters/index.ts";
import type { MessageStore, StoredMessage } from "../store/message-store.ts";
import {
  MessageQueue,
  type MessageRecord,
  type MessageQueue as Queue,
  type QueueHost,
} from "./message-queue.ts";

export const DEAD_LETTER_SUFFIX = "/$deadletterqueue";
/** Service Bus allows a message to be forwarded at most four times. */
const MAX_FORWARD_HOPS = 4;

interface Subscription {
  queue: Queue;
  /** What each rule was defined as (for enumerate-rules), beside what it compiled to. */
  definitions: RuleDefinition[];
  rules: Rule[];
}

export class RuleConflictError extends Error {
  override name = "RuleConflictError";
}

const DEFAULT_RULE: RuleDefinition = { name: "$Default", filter: { kind: "true" }, action: undefined };

function compileRule(rule: RuleDefinition): Rule {
  if (rule.filter.kind === "sql") return sqlRule(rule.name, rule.filter.expression, rule.action);
  if (rule.filter.kind === "correlation") return correlationRule(rule.name, rule.filter.spec, rule.action);
  return trueRule(rule.name);
}

/** Something messages can be sent to: a queue, or a topic that fans out to its subscriptions. */
interface SendTarget {
  key: string;
  name: string;
  kind: "queue" | "topic";
  defaultTtlMs: number | undefined;
  duplicateWindowMs: number | undefined;
  queue?: Queue;
  subscriptions?: Subscription[];
  /** Scheduled messages wait here, at the entity they were sent to, until their time comes. */
  scheduled: Map<number, MessageRecord>;
  seenMessageIds: Map<string, number>;
  lastSequence: number;
}

export class EntityNotFoundError extends Error {
  override name = "EntityNotFoundError";
}

const DEAD_LETTER_SETTINGS = (settings: EntitySettings): EntitySettings => ({
  ...settings,
  defaultTtlMs: undefined,
  forwardTo: undefined,
  forwardDeadLetteredMessagesTo: undefined,
});

export class BrokerEngine implements QueueHost {
  readonly topology: Topology;
  readonly #store: MessageStore;
  readonly #targets = new Map<string, SendTarget>();
  readonly #queues = new Map<string, Queue>();
  readonly #subscriptions = new Map<string, Subscription>();
  #scheduleTimer: NodeJS.Timeout | undefined;
  #nextScheduledAt = Number.POSITIVE_INFINITY;
  readonly #sweepTimer: NodeJS.Timeout;

  constructor(topology: Topology, store: MessageStore) {
    this.topology = topology;
    this.#store = store;
    for (const queue of topology.queues) {
      const key = queue.name.toLowerCase();
      this.#targets.set(
        key,
        this.#newTarget(
          key,
          queue.name,
          "queue",
          queue.settings.defaultTtlMs,
          queue.settings.duplicateDetectionWindowMs,
          {
            queue: this.#addQueue(key, queue.name, queue.settings),
          },
        ),
      );
    }
    for (const topic of topology.topics) {
      const key = topic.name.toLowerCase();
      const subscriptions = topic.subscriptions.map((subscription) => {
        const path = `${topic.name}/Subscriptions/${subscription.name}`;
        const definitions = subscription.rules.length ? [...subscription.rules] : [DEFAULT_RULE];
        const queue = this.#addQueue(path.toLowerCase(), path, subscription.settings);
        const entry: Subscription = { queue, definitions, rules: definitions.map(compileRule) };
        this.#subscriptions.set(queue.key, entry);
        return entry;
      });
      this.#targets.set(
        key,
        this.#newTarget(key, topic.name, "topic", topic.defaultTtlMs, topic.duplicateDetectionWindowMs, {
          subscriptions,
        }),
      );
    }
    this.#restore();
    this.#sweepTimer = setInterval(() => this.#sweepExpired(), 1000);
    this.#sweepTimer.unref();
  }

  #newTarget(
    key: string,
    name: string,
    kind: SendTarget["kind"],
    defaultTtlMs: number | undefined,
    duplicateWindowMs: number | undefined,
    parts: Pick<SendTarget, "queue" | "subscriptions">,
  ): SendTarget {
    return {
      key,
      name,
      kind,
      defaultTtlMs,
      duplicateWindowMs,
      ...parts,
      scheduled: new Map(),
      seenMessageIds: new Map(),
      lastSequence: 0,
    };
  }

  #addQueue(key: string, path: string, settings: EntitySettings): Queue {
    const queue = new MessageQueue(key, path, settings, false, this);
    const deadLetters = new MessageQueue(
      key + DEAD_LETTER_SUFFIX,
      `${path}/$DeadLetterQueue`,
      DEAD_LETTER_SETTINGS(settings),
      true,
      this,
    );
    this.#queues.set(key, queue);
    this.#queues.set(deadLetters.key, deadLetters);
    return queue;
  }

  now(): number {
    return Date.now();
  }

  /** A receivable entity (queue, subscription or a dead-letter queue) by its path, case-insensitively. */
  queue(path: string): Queue | undefined {
    return this.#queues.get(normalizePath(path));
  }

  /** Whether a path names something a client may send to. */
  isSendTarget(path: string): boolean {
    return this.#targets.has(normalizePath(path));
  }

  #target(path: string): SendTarget {
    const target = this.#targets.get(normalizePath(path));
    if (!target) throw new EntityNotFoundError(`The messaging entity '${path}' could not be found.`);
    return target;
  }

  /**
   * Accepts a message sent to a queue or topic. The sender may be told it was accepted only once
   * `whenDurable` calls back.
   */
  send(path: string, message: EncodedMessage): void {
    this.#accept(this.#target(path), message, 0);
  }

  #accept(target: SendTarget, incoming: EncodedMessage, hops: number): MessageRecord | undefined {
    const now = this.now();
    const message =
      incoming.facts.messageId === undefined
        ? withMessageId(incoming, randomUUID().replaceAll("-", ""))
        : incoming;
    if (this.#isDuplicate(target, message.facts, now)) return undefined;
    const sequenceNumber = this.#nextSequence(target);
    const record: MessageRecord = {
      sequenceNumber,
      enqueuedAt: now,
      deliveryCount: 0,
      state: "active",
      scheduledAt: undefined,
      expiresAt: undefined,
      deadLetterSource: undefined,
      message,
      lock: undefined,
    };
    const scheduledAt = message.facts.scheduledEnqueueTime;
    if (scheduledAt !== undefined && scheduledAt > now) {
      record.state = "scheduled";
      record.scheduledAt = scheduledAt;
      target.scheduled.set(sequenceNumber, record);
      this.#store.insert(this.#stored(target.key, record));
      this.#armScheduleTimer(scheduledAt);
      return record;
    }
    this.#route(target, record, hops);
    return record;
  }

  #isDuplicate(target: SendTarget, facts: MessageFacts, now: number): boolean {
    if (target.duplicateWindowMs === undefined || facts.messageId === undefined) return false;
    const id = String(facts.messageId);
    const seen = target.seenMessageIds.get(id);
    if (seen !== undefined && seen > now) return true;
    target.seenMessageIds.set(id, now + target.duplicateWindowMs);
    if (target.seenMessageIds.size > 100_000) {
      for (const [key, until] of target.seenMessageIds) if (until <= now) target.seenMessageIds.delete(key);
    }
    return false;
  }

  #nextSequence(target: SendTarget): number {
    target.lastSequence++;
    this.#store.saveSequence(target.key, target.lastSequence);
    return target.lastSequence;
  }

  /** Puts an accepted (or newly due) record where it belongs: the queue, or every matching subscription. */
  #route(target: SendTarget, record: MessageRecord, hops: number): void {
    if (target.queue) {
      this.#deposit(target.queue, record, target.defaultTtlMs, hops);
      return;
    }
    const subscriptions = target.subscriptions ?? [];
    let view: FilterableMessage | undefined;
    for (const subscription of subscriptions) {
      view ??= filterView(record);
      const matched = evaluateRules(subscription.rules, view);
      if (!matched) continue;
      let message = record.message;
      if (matched !== view) message = applyRuleChanges(message, view, matched);
      // Each subscription owns its copy: its own lock, delivery count and fate.
      this.#deposit(subscription.queue, { ...record, message, lock: undefined }, target.defaultTtlMs, hops);
    }
  }

  #deposit(queue: Queue, record: MessageRecord, targetTtlMs: number | undefined, hops: number): void {
    const forwardTo = queue.settings.forwardTo;
    if (forwardTo && hops < MAX_FORWARD_HOPS) {
      this.#accept(this.#target(forwardTo), record.message, hops + 1);
      return;
    }
    const ttl = minDefined(record.message.facts.ttlMs, queue.settings.defaultTtlMs ?? targetTtlMs);
    record.expiresAt = ttl === undefined ? undefined : record.enqueuedAt + ttl;
    record.state = "active";
    record.scheduledAt = undefined;
    this.#store.insert(this.#stored(queue.key, record));
    queue.enqueue(record);
  }

  /** Schedules a message for later (the `schedule-message` operation). Returns its sequence number. */
  schedule(path: string, message: EncodedMessage): number {
    const target = this.#target(path);
    const scheduledAt = message.facts.scheduledEnqueueTime ?? this.now();
    const record = this.#accept(
      target,
      { ...message, facts: { ...message.facts, scheduledEnqueueTime: scheduledAt } },
      0,
    );
    return record?.sequenceNumber ?? 0;
  }

  /** Cancels scheduled messages by sequence number; unknown numbers are ignored, as Service Bus does. */
  cancelScheduled(path: string, sequenceNumbers: readonly number[]): void {
    const target = this.#target(path);
    for (const sequenceNumber of sequenceNumbers) {
      if (target.scheduled.delete(sequenceNumber)) this.#store.delete(target.key, sequenceNumber);
    }
  }

  #subscription(path: string): Subscription {
    const subscription = this.#subscriptions.get(normalizePath(path));
    if (!subscription) throw new EntityNotFoundError(`The subscription '${path}' could not be found.`);
    return subscription;
  }

  /**
   * A subscription's rules. Rules added or removed at run time (the SDKs' rule managers) last until the
   * broker restarts: the config file stays the source of truth for the topology.
   */
  rules(subscriptionPath: string): readonly RuleDefinition[] {
    return this.#subscription(subscriptionPath).definitions;
  }

  /** Adds a rule; throws FilterSyntaxError for a bad expression and RuleConflictError for a taken name. */
  addRule(subscriptionPath: string, rule: RuleDefinition): void {
    const subscription = this.#subscription(subscriptionPath);
    if (
      subscription.definitions.some((existing) => existing.name.toLowerCase() === rule.name.toLowerCase())
    ) {
      throw new RuleConflictError(`The rule '${rule.name}' already exists on ${subscription.queue.path}.`);
    }
    const compiled = compileRule(rule);
    subscription.definitions.push(rule);
    subscription.rules.push(compiled);
  }

  removeRule(subscriptionPath: string, name: string): void {
    const subscription = this.#subscription(subscriptionPath);
    const index = subscription.definitions.findIndex(
      (rule) => rule.name.toLowerCase() === name.toLowerCase(),
    );
    if (index < 0)
      throw new EntityNotFoundError(`The rule '${name}' could not be found on ${subscription.queue.path}.`);
    subscription.definitions.splice(index, 1);
    subscription.rules.splice(index, 1);
  }

  /** Calls back once everything accepted so far is safely stored. */
  whenDurable(callback: () => void): void {
    this.#store.whenDurable(callback);
  }

  #armScheduleTimer(at: number): void {
    if (at >= this.#nextScheduledAt) return;
    if (this.#scheduleTimer) clearTimeout(this.#scheduleTimer);
    this.#nextScheduledAt = at;
    this.#scheduleTimer = setTimeout(() => this.#releaseScheduled(), Math.max(0, at - this.now()));
    this.#scheduleTimer.unref();
  }

  #releaseScheduled(): void {
    this.#scheduleTimer = undefined;
    this.#nextScheduledAt = Number.POSITIVE_INFINITY;
    const now = this.now();
    let next = Number.POSITIVE_INFINITY;
    for (const target of this.#targets.values()) {
      for (const [sequenceNumber, record] of target.scheduled) {
        const at = record.scheduledAt ?? now;
        if (at > now) {
          next = Math.min(next, at);
          continue;
        }
        target.scheduled.delete(sequenceNumber);
        this.#store.delete(target.key, sequenceNumber);
        record.enqueuedAt = now;
        this.#route(target, record, 0);
      }
    }
    if (next < Number.POSITIVE_INFINITY) this.#armScheduleTimer(next);
  }

  // QueueHost: the queues report what happened to their records.

  removed(queue: Queue, record: MessageRecord): void {
    this.#store.delete(queue.key, record.sequenceNumber);
  }

  changed(queue: Queue, record: MessageRecord): void {
    this.#store.update(queue.key, record.sequenceNumber, {
      state: record.state,
      deliveryCount: record.deliveryCount,
    });
  }

  rewritten(queue: Queue, record: MessageRecord, properties: Record<string, unknown>): void {
    record.message = withApplicationProperties(record.message, properties);
    this.#store.update(queue.key, record.sequenceNumber, { bare: record.message.bare });
  }

  deadLetter(
    queue: Queue,
    record: MessageRecord,
    reason: string,
    description: string,
    properties?: Record<string, unknown>,
  ): void {
    this.#store.delete(queue.key, record.sequenceNumber);
    const message = withApplicationProperties(record.message, {
      ...properties,
      DeadLetterReason: reason,
      DeadLetterErrorDescription: description,
    });
    const forwardTo = queue.settings.forwardDeadLetteredMessagesTo;
    if (forwardTo) {
      this.#accept(this.#target(forwardTo), message, 1);
      return;
    }
    const deadLetters = this.#queues.get(queue.key + DEAD_LETTER_SUFFIX);
    if (!deadLetters) return;
    const moved: MessageRecord = {
      ...record,
      message,
      state: "active",
      deliveryCount: 0,
      expiresAt: undefined,
      deadLetterSource: queue.path,
      lock: undefined,
    };
    this.#store.insert(this.#stored(deadLetters.key, moved));
    deadLetters.enqueue(moved);
  }

  #stored(queue: string, record: MessageRecord): StoredMessage {
    return {
      queue,
      sequenceNumber: record.sequenceNumber,
      state: record.state,
      deliveryCount: record.deliveryCount,
      enqueuedAt: record.enqueuedAt,
      scheduledAt: record.scheduledAt,
      expiresAt: record.expiresAt,
      deadLetterSource: record.deadLetterSource,
      annotations: record.message.annotations,
      bare: record.message.bare,
    };
  }

  /** Rebuilds every entity from the store. Messages that were locked when the broker stopped are available again. */
  #restore(): void {
    const sequences = this.#store.loadSequences();
    for (const target of this.#targets.values()) target.lastSequence = sequences.get(target.key) ?? 0;
    for (const stored of this.#store.loadMessages()) {
      const record = restoredRecord(stored);
      const target = this.#targets.get(stored.queue);
      if (stored.state === "scheduled" && target) {
        target.scheduled.set(record.sequenceNumber, record);
        this.#armScheduleTimer(record.scheduledAt ?? this.now());
        continue;
      }
      const queue = this.#queues.get(stored.queue);
      // Entities removed from the config since the messages were stored are dropped with them.
      if (queue) queue.enqueue(record);
      else this.#store.delete(stored.queue, stored.sequenceNumber);
    }
  }

  #sweepExpired(): void {
    for (const queue of this.#queues.values()) if (!queue.isDeadLetterQueue) queue.sweepExpired();
  }

  /** Entity paths and message counts, for the broker's own status output and tests. */
  describe(): Array<{ path: string; active: number; total: number; consumers: number }> {
    return [...this.#queues.values()].map((queue) => ({
      path: queue.path,
      active: queue.activeCount,
      total: queue.records.size,
      consumers: queue.consumerCount,
    }));
  }

  close(): void {
    clearInterval(this.#sweepTimer);
    if (this.#scheduleTimer) clearTimeout(this.#scheduleTimer);
    for (const queue of this.#queues.values()) queue.close();
    this.#store.close();
  }
}

function restoredRecord(stored: StoredMessage): MessageRecord {
  // Facts are derived data: reading them again from the bytes keeps the store schema to what was received.
  const bytes = stored.annotations ? Buffer.concat([stored.annotations, stored.bare]) : stored.bare;
  return {
    sequenceNumber: stored.sequenceNumber,
    enqueuedAt: stored.enqueuedAt,
    deliveryCount: stored.deliveryCount,
    state: stored.state,
    scheduledAt: stored.scheduledAt,
    expiresAt: stored.expiresAt,
    deadLetterSource: stored.deadLetterSource,
    message: parseMessage(bytes),
    lock: undefined,
  };
}

function normalizePath(path: string): string {
  return path.toLowerCase().replace(/^\/+|\/+$/g, "");
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

function filterView(record: MessageRecord): FilterableMessage {
  const facts = record.message.facts;
  return {
    system: {
      messageId: facts.messageId === undefined ? undefined : String(facts.messageId),
      correlationId: facts.correlationId === undefined ? undefined : String(facts.correlationId),
      to: facts.to,
      replyTo: facts.replyTo,
      label: facts.subject,
      sessionId: facts.groupId,
      replyToSessionId: facts.replyToGroupId,
      contentType: facts.contentType,
      sequenceNumber: record.sequenceNumber,
      enqueuedTimeUtc: new Date(record.enqueuedAt),
      timeToLive: facts.ttlMs,
      deliveryCount: record.deliveryCount,
      size: record.message.bare.length,
      partitionKey: facts.partitionKey,
    },
    user: facts.applicationProperties,
  };
}

// System properties a rule action may set, as filters name them and as the AMQP properties section does.
const WRITABLE_SYSTEM_PROPERTIES = [
  ["messageId", "messageId"],
  ["to", "to"],
  ["replyTo", "replyTo"],
  ["label", "subject"],
  ["correlationId", "correlationId"],
  ["contentType", "contentType"],
  ["sessionId", "groupId"],
  ["replyToSessionId", "replyToGroupId"],
] as const satisfies ReadonlyArray<readonly [keyof FilterableMessage["system"], keyof PropertyChanges]>;

/** A rule action changed the subscription's copy: write what it changed back into the message. */
function applyRuleChanges(
  message: EncodedMessage,
  before: FilterableMessage,
  after: FilterableMessage,
): EncodedMessage {
  let result = message;
  const removed = Object.keys(before.user).filter((key) => !(key in after.user));
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(after.user)) if (before.user[key] !== value) set[key] = value;
  if (Object.keys(set).length || removed.length) result = withApplicationProperties(result, set, removed);
  const changes: PropertyChanges = {};
  for (const [filterName, propertyName] of WRITABLE_SYSTEM_PROPERTIES) {
    const value = after.system[filterName];
    if (value !== before.system[filterName])
      changes[propertyName] = value === undefined ? null : String(value);
  }
  return Object.keys(changes).length ? withProperties(result, changes) : result;
}

// One place messages wait to be received: a queue, a topic subscription, or the dead-letter queue of
// either. It owns peek-lock (locks, renewal, expiry with redelivery), delivery counts, deferral and
// time-to-live; the engine decides where a message goes when it leaves (completed, dead-lettered, forwarded).

import { type EncodedMessage, encodeDelivery } from "../amqp/encoded-message.ts";
import { type LockToken, newLockToken } from "../amqp/lock-token.ts";
import type { EntitySettings } from "../config/topology.ts";
import type { MessageState } from "../store/message-store.ts";

export interface MessageRecord {
  sequenceNumber: number;
  enqueuedAt: number;
  deliveryCount: number;
  state: MessageState;
  scheduledAt: number | undefined;
  expiresAt: number | undefined;
  deadLetterSource: string | undefined;
  message: EncodedMessage;
  lock: Lock | undefined;
}

export interface Lock {
  token: LockToken;
  record: MessageRecord;
  until: number;
}

/** A receiving link as the queue sees it. */
export interface Consumer {
  readonly receiveAndDelete: boolean;
  credit(): number;
  deliver(bytes: Buffer, lock: Lock | undefined): void;
}

export type Outcome =
  | { kind: "complete" }
  | { kind: "abandon"; properties?: Record<string, unknown> }
  | { kind: "defer"; properties?: Record<string, unknown> }
  | { kind: "deadLetter"; reason?: string; description?: string; properties?: Record<string, unknown> };

/** What the queue needs from the engine around it. */
export interface QueueHost {
  now(): number;
  /** The record left this queue for good: forget it in storage. */
  removed(queue: MessageQueue, record: MessageRecord): void;
  /** The record's state or delivery count changed: save it. */
  changed(queue: MessageQueue, record: MessageRecord): void;
  /** Move the record to the dead-letter destination with the given reason. */
  deadLetter(
    queue: MessageQueue,
    record: MessageRecord,
    reason: string,
    description: string,
    properties?: Record<string, unknown>,
  ): void;
  /** Application properties of a record changed (abandon/defer with properties-to-modify). */
  rewritten(queue: MessageQueue, record: MessageRecord, properties: Record<string, unknown>): void;
}

const MAX_EXPIRIES_PER_SWEEP = 10_000;

export class MessageQueue {
  readonly key: string;
  /** The entity path as clients address it, e.g. `orders/Subscriptions/audit`. */
  readonly path: string;
  readonly settings: EntitySettings;
  readonly isDeadLetterQueue: boolean;
  readonly records = new Map<number, MessageRecord>();
  readonly locks = new Map<string, Lock>();
  readonly #host: QueueHost;
  /** Active, unlocked records in sequence order; `#head` skips taken ones without shifting the array. */
  #available: MessageRecord[] = [];
  #head = 0;
  #consumers: Consumer[] = [];
  #nextConsumer = 0;
  /** Locks in the order they expire (renewals append; stale entries are skipped). */
  #lockExpiries: Array<{ lock: Lock; until: number }> = [];
  #lockTimer: NodeJS.Timeout | undefined;
  #dispatchScheduled = false;
  /** No waiting message expires before this time (a lower bound, lowered as messages arrive). */
  #nextExpiry = Number.POSITIVE_INFINITY;

  constructor(
    key: string,
    path: string,
    settings: EntitySettings,
    isDeadLetterQueue: boolean,
    host: QueueHost,
  ) {
    this.key = key;
    this.path = path;
    this.settings = settings;
    this.isDeadLetterQueue = isDeadLetterQueue;
    this.#host = host;
  }

  get consumerCount(): number {
    return this.#consumers.length;
  }

  get activeCount(): number {
    return this.#available.length - this.#head;
  }

  /** Adds a record (new, restored from storage or moved here) and delivers it if someone is waiting. */
  enqueue(record: MessageRecord): void {
    this.records.set(record.sequenceNumber, record);
    if (record.expiresAt !== undefined && record.expiresAt < this.#nextExpiry)
      this.#nextExpiry = record.expiresAt;
    if (record.state === "active") {
      this.#insertAvailable(record);
      this.scheduleDispatch();
    }
  }

  #insertAvailable(record: MessageRecord): void {
    const list = this.#available;
    const last = list[list.length - 1];
    if (list.length === this.#head || !last || last.sequenceNumber < record.sequenceNumber) {
      list.push(record);
      return;
    }
    let low = this.#head;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((list[middle] as MessageRecord).sequenceNumber < record.sequenceNumber) low = middle + 1;
      else high = middle;
    }
    list.splice(low, 0, record);
  }

  #takeAvailable(): MessageRecord | undefined {
    while (this.#head < this.#available.length) {
      const record = this.#available[this.#head++] as MessageRecord;
      if (this.#head > 1024 && this.#head * 2 > this.#available.length) {
        this.#available = this.#available.slice(this.#head);
        this.#head = 0;
      }
      // A record may have been settled or moved through management while it sat here.
      if (this.records.get(record.sequenceNumber) === record && record.state === "active" && !record.lock)
        return record;
    }
    return undefined;
  }

  addConsumer(consumer: Consumer): void {
    this.#consumers.push(consumer);
    this.scheduleDispatch();
  }

  removeConsumer(consumer: Consumer): void {
    this.#consumers = this.#consumers.filter((c) => c !== consumer);
  }

  /** Deliveries happen on a later tick so that a burst of sends or credit is handled in one pass. */
  scheduleDispatch(): void {
    if (this.#dispatchScheduled || this.#consumers.length === 0) return;
    this.#dispatchScheduled = true;
    setImmediate(() => {
      this.#dispatchScheduled = false;
      this.dispatch();
    });
  }

  dispatch(): void {
    const consumers = this.#consumers;
    let idle = 0;
    while (idle < consumers.length && this.activeCount > 0) {
      this.#nextConsumer %= consumers.length;
      const consumer = consumers[this.#nextConsumer++] as Consumer;
      if (consumer.credit() <= 0) {
        idle++;
        continue;
      }
      idle = 0;
      const record = this.#takeAvailable();
      if (!record) break;
      if (this.#expireIfDue(record)) continue;
      this.#hand(record, consumer);
    }
  }

  #hand(record: MessageRecord, consumer: Consumer): void {
    if (consumer.receiveAndDelete) {
      const bytes = this.#encode(record, undefined);
      this.records.delete(record.sequenceNumber);
      this.#host.removed(this, record);
      consumer.deliver(bytes, undefined);
      return;
    }
    const lock = this.lock(record);
    consumer.deliver(this.#encode(record, lock), lock);
  }

  #encode(record: MessageRecord, lock: Lock | undefined): Buffer {
    return encodeDelivery(record.message, {
      sequenceNumber: record.sequenceNumber,
      enqueuedTime: record.enqueuedAt,
      deliveryCount: record.deliveryCount,
      lockedUntil: lock?.until,
      deadLetterSource: record.deadLetterSource,
      state: record.state,
      ttlMs: record.message.facts.ttlMs,
      priority: record.message.facts.priority,
    });
  }

  /** Encoded copy for peek and receive-by-sequence-number responses. */
  encodeFor(record: MessageRecord, lock?: Lock): Buffer {
    return this.#encode(record, lock);
  }

  /** Locks a record for the entity's lock duration. */
  lock(record: MessageRecord): Lock {
    const lock: Lock = {
      token: newLockToken(),
      record,
      until: this.#host.now() + this.settings.lockDurationMs,
    };
    record.lock = lock;
    this.locks.set(lock.token.id, lock);
    this.#trackExpiry(lock);
    return lock;
  }

  #trackExpiry(lock: Lock): void {
    this.#lockExpiries.push({ lock, until: lock.until });
    // Settled locks leave stale entries behind; drop them once they outnumber live locks, so a busy queue
    // holds about as many entries as it has locks rather than a lock duration's worth of deliveries.
    if (this.#lockExpiries.length > 4096 && this.#lockExpiries.length > 4 * this.locks.size) {
      this.#lockExpiries = this.#lockExpiries.filter(
        (entry) => this.locks.get(entry.lock.token.id) === entry.lock && entry.lock.until === entry.until,
      );
    }
    if (!this.#lockTimer) this.#armLockTimer();
  }

  #armLockTimer(): void {
    const first = this.#lockExpiries[0];
    if (!first) return;
    const delay = Math.max(0, first.until - this.#host.now());
    this.#lockTimer = setTimeout(() => this.#expireLocks(), delay + 5);
    this.#lockTimer.unref();
  }

  #expireLocks(): void {
    this.#lockTimer = undefined;
    const now = this.#host.now();
    let handled = 0;
    let index = 0;
    const expiries = this.#lockExpiries;
    while (index < expiries.length && handled < MAX_EXPIRIES_PER_SWEEP) {
      const entry = expiries[index] as { lock: Lock; until: number };
      if (entry.until > now) break;
      index++;
      const { lock } = entry;
      // Skip locks already settled or renewed since this entry was written.
      if (this.locks.get(lock.token.id) !== lock || lock.until !== entry.until) continue;
      handled++;
      this.#release(lock, undefined);
    }
    this.#lockExpiries = expiries.slice(index);
    this.#armLockTimer();
  }

  /** Lock lookup for settlement; undefined when the token is unknown or its lock has expired. */
  liveLock(tokenId: string): Lock | undefined {
    const lock = this.locks.get(tokenId);
    if (!lock) return undefined;
    if (lock.until <= this.#host.now()) {
      this.#release(lock, undefined);
      return undefined;
    }
    return lock;
  }

  renew(tokenId: string): number | undefined {
    const lock = this.liveLock(tokenId);
    if (!lock) return undefined;
    lock.until = this.#host.now() + this.settings.lockDurationMs;
    this.#trackExpiry(lock);
    return lock.until;
  }

  /** Applies a client's settlement. Returns false when the lock is lost. */
  settle(tokenId: string, outcome: Outcome): boolean {
    const lock = this.liveLock(tokenId);
    if (!lock) return false;
    const record = lock.record;
    this.locks.delete(tokenId);
    record.lock = undefined;
    switch (outcome.kind) {
      case "complete":
        this.records.delete(record.sequenceNumber);
        this.#host.removed(this, record);
        break;
      case "abandon":
        this.#release(lock, outcome.properties, true);
        break;
      case "defer":
        if (outcome.properties) this.#host.rewritten(this, record, outcome.properties);
        record.state = "deferred";
        record.deliveryCount++;
        this.#host.changed(this, record);
        break;
      case "deadLetter":
        this.records.delete(record.sequenceNumber);
        this.#host.deadLetter(
          this,
          record,
          outcome.reason ?? "",
          outcome.description ?? "",
          outcome.properties,
        );
        break;
    }
    return true;
  }

  /** A lock ends without a verdict (abandon or expiry): the delivery counts, and too many dead-letter it. */
  #release(lock: Lock, properties: Record<string, unknown> | undefined, alreadyUnlocked = false): void {
    const record = lock.record;
    if (!alreadyUnlocked) {
      this.locks.delete(lock.token.id);
      record.lock = undefined;
    }
    if (properties && Object.keys(properties).length > 0) this.#host.rewritten(this, record, properties);
    record.deliveryCount++;
    if (!this.isDeadLetterQueue && record.deliveryCount >= this.settings.maxDeliveryCount) {
      this.records.delete(record.sequenceNumber);
      this.#host.deadLetter(
        this,
        record,
        "MaxDeliveryCountExceeded",
        `Message could not be consumed after ${this.settings.maxDeliveryCount} delivery attempts.`,
      );
      return;
    }
    this.#host.changed(this, record);
    if (record.state === "active") {
      this.#insertAvailable(record);
      this.scheduleDispatch();
    }
  }

  #expireIfDue(record: MessageRecord): boolean {
    if (record.expiresAt === undefined || record.expiresAt > this.#host.now() || this.isDeadLetterQueue)
      return false;
    this.records.delete(record.sequenceNumber);
    if (this.settings.deadLetteringOnMessageExpiration) {
      this.#host.deadLetter(
        this,
        record,
        "TTLExpiredException",
        "The message expired and was dead lettered.",
      );
    } else {
      this.#host.removed(this, record);
    }
    return true;
  }

  /** Expires every waiting message whose time-to-live has passed, delivered or not. */
  sweepExpired(): void {
    // The earliest expiry seen last time lets most sweeps return without looking at any message.
    const now = this.#host.now();
    if (this.#nextExpiry > now) return;
    let next = Number.POSITIVE_INFINITY;
    // Deleting the current entry while iterating a Map is safe; expired records leave the map here.
    for (const record of this.records.values()) {
      if (record.expiresAt === undefined) continue;
      // A locked message expires once it is back (abandoned or its lock lapsed): keep it in view.
      if (record.lock || !this.#expireIfDue(record)) next = Math.min(next, record.expiresAt);
    }
    this.#nextExpiry = next;
  }

  /** Messages in sequence order from a sequence number on, for peek. Expired ones are expired first. */
  peek(fromSequenceNumber: number, count: number): MessageRecord[] {
    this.sweepExpired();
    return [...this.records.values()]
      .filter((record) => record.sequenceNumber >= fromSequenceNumber)
      .sort((a, b) => a.sequenceNumber - b.sequenceNumber)
      .slice(0, count);
  }

  close(): void {
    if (this.#lockTimer) clearTimeout(this.#lockTimer);
    this.#lockTimer = undefined;
  }
}

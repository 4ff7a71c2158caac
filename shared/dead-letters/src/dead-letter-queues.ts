// Every subscription's dead-letter queue, read and worked through the Service Bus SDK alone (peek to look;
// peek-lock receive, then send and complete, to replay or purge), so it behaves the same on Azure Service
// Bus and on HayMaker's embedded broker.
import type {
  ServiceBusClient,
  ServiceBusMessage,
  ServiceBusReceivedMessage,
  ServiceBusReceiver,
  ServiceBusSender,
} from "@azure/service-bus";
import { propertyName } from "@haymaker/cloudevents";
import { AMQP_LEGACY_PROPERTY_PREFIX, topology } from "@haymaker/contracts";
import Long from "long";
import { DEAD_LETTER_PROPERTIES, type DeadLetter, deadLetterOf, replayCountOf } from "./dead-letter.ts";
import { parseDeadLetterId } from "./dead-letter-id.ts";
import { type DeadLetterFilter, matches } from "./selection.ts";

export interface Entity {
  topic: string;
  subscription: string;
}

/** Every subscription of HayMaker's topology: each has a dead-letter queue. */
export const TOPOLOGY_ENTITIES: readonly Entity[] = topology.topics.flatMap((topic) =>
  topic.subscriptions.map((subscription) => ({ topic: topic.name, subscription: subscription.name })),
);

/** What an operation over dead letters reports as it goes. */
export interface Progress {
  /** Done: replayed (sent again, then removed) or purged. */
  done: number;
  failed: number;
  errors: string[];
}

export interface WorkOptions {
  /** Stops after the batch in hand: what was not reached stays in its queue untouched. */
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /**
   * Called after a replay batch was sent and before it is completed: the one moment a crash duplicates
   * deliveries (never loses one). Tests use it to crash there.
   */
  afterSend?: (sent: number) => void | Promise<void>;
}

const PEEK_BATCH = 250;
const RECEIVE_BATCH = 250;
/** A scan never reads more than this from one queue; the rest waits for the next one. */
const MOST_PER_QUEUE = 100_000;

export class DeadLetterQueues {
  readonly #client: ServiceBusClient;
  readonly entities: readonly Entity[];

  constructor(client: ServiceBusClient, entities: readonly Entity[]) {
    this.#client = client;
    this.entities = entities;
  }

  /** The queues a filter can touch. */
  #entitiesFor(filter: DeadLetterFilter): Entity[] {
    return this.entities.filter(
      (e) =>
        (filter.topic === undefined || e.topic === filter.topic) &&
        (filter.subscription === undefined || e.subscription === filter.subscription),
    );
  }

  #receiver(entity: Entity, mode: "peekLock" | "receiveAndDelete" = "peekLock"): ServiceBusReceiver {
    return this.#client.createReceiver(entity.topic, entity.subscription, {
      subQueueType: "deadLetter",
      receiveMode: mode,
      skipParsingBodyAsJson: true,
    });
  }

  /** Every dead letter matching the filter, without locking or changing any (peek). */
  async list(filter: DeadLetterFilter = {}, ids?: ReadonlySet<string>): Promise<DeadLetter[]> {
    const found: DeadLetter[] = [];
    for (const entity of this.#entitiesFor(filter)) {
      for await (const batch of this.#peekAll(entity)) {
        for (const message of batch) {
          const letter = deadLetterOf(entity.topic, entity.subscription, message);
          if (matches(letter, filter, ids)) found.push(letter);
        }
      }
    }
    return found;
  }

  /** A queue's dead letters in sequence order, a batch at a time, without locking any (peek). */
  async *#peekAll(entity: Entity): AsyncGenerator<ServiceBusReceivedMessage[]> {
    const receiver = this.#receiver(entity);
    try {
      let from = Long.ZERO;
      for (let read = 0; read < MOST_PER_QUEUE; ) {
        const batch = await receiver.peekMessages(PEEK_BATCH, { fromSequenceNumber: from });
        if (batch.length === 0) return;
        read += batch.length;
        yield batch;
        from = Long.fromString(String(batch.at(-1)?.sequenceNumber ?? "0")).add(1);
      }
    } finally {
      await receiver.close();
    }
  }

  /** One dead letter by id, or undefined when it is not (or no longer) in its queue. */
  async get(id: string): Promise<DeadLetter | undefined> {
    const address = parseDeadLetterId(id);
    if (address === undefined) return undefined;
    const entity = this.entities.find(
      (e) => e.topic === address.topic && e.subscription === address.subscription,
    );
    if (entity === undefined) return undefined;
    const receiver = this.#receiver(entity);
    try {
      const [message] = await receiver.peekMessages(1, {
        fromSequenceNumber: Long.fromString(address.sequenceNumber),
      });
      if (message === undefined || String(message.sequenceNumber) !== address.sequenceNumber)
        return undefined;
      return deadLetterOf(entity.topic, entity.subscription, message);
    } finally {
      await receiver.close();
    }
  }

  /** How many dead letters each queue holds (queues with none left out). */
  async counts(): Promise<Array<Entity & { count: number }>> {
    const counts: Array<Entity & { count: number }> = [];
    for (const entity of this.entities) {
      let count = 0;
      for await (const batch of this.#peekAll(entity)) count += batch.length;
      if (count > 0) counts.push({ ...entity, count });
    }
    return counts;
  }

  /**
   * Sends each matching dead letter to its topic again — the same message, the same event id, so idempotent
   * handlers recognise it, with its replay count raised by one — and completes it in the dead-letter queue
   * only once the send succeeded: a crash in between can deliver an event twice, never lose one.
   */
  async replay(filter: DeadLetterFilter, ids: ReadonlySet<string> | undefined, options: WorkOptions = {}) {
    const senders = new Map<string, ServiceBusSender>();
    const senderFor = (topic: string) => {
      let sender = senders.get(topic);
      if (sender === undefined) {
        sender = this.#client.createSender(topic);
        senders.set(topic, sender);
      }
      return sender;
    };
    try {
      return await this.#work(filter, ids, options, async (entity, receiver, messages) => {
        const sender = senderFor(entity.topic);
        let batch = await sender.createMessageBatch();
        for (const message of messages) {
          const copy = replayCopy(message);
          if (batch.tryAddMessage(copy)) continue;
          await sender.sendMessages(batch);
          batch = await sender.createMessageBatch();
          if (!batch.tryAddMessage(copy)) {
            throw new Error(`message ${String(message.sequenceNumber)} is too large to send`);
          }
        }
        if (batch.count > 0) await sender.sendMessages(batch);
        await options.afterSend?.(messages.length);
        await Promise.all(messages.map((message) => receiver.completeMessage(message)));
      });
    } finally {
      await Promise.all([...senders.values()].map((sender) => sender.close()));
    }
  }

  /** Deletes each matching dead letter for good. */
  async purge(filter: DeadLetterFilter, ids: ReadonlySet<string> | undefined, options: WorkOptions = {}) {
    return this.#work(filter, ids, options, async (_entity, receiver, messages) => {
      await Promise.all(messages.map((message) => receiver.completeMessage(message)));
    });
  }

  /**
   * Sends `copy` (an edited event, already encoded) to the dead letter's topic, then completes the dead
   * letter. Undefined when the dead letter is not in its queue (any more).
   */
  async resendEdited(id: string, copy: ServiceBusMessage): Promise<boolean> {
    const address = parseDeadLetterId(id);
    const entity = this.entities.find(
      (e) => e.topic === address?.topic && e.subscription === address?.subscription,
    );
    if (address === undefined || entity === undefined) return false;
    let found = false;
    await this.#work(
      { topic: entity.topic, subscription: entity.subscription },
      new Set([id]),
      {},
      async (_e, receiver, messages) => {
        const sender = this.#client.createSender(entity.topic);
        try {
          await sender.sendMessages(copy);
        } finally {
          await sender.close();
        }
        await Promise.all(messages.map((message) => receiver.completeMessage(message)));
        found = true;
      },
    );
    return found;
  }

  /**
   * Receives each queue's dead letters with peek-lock, hands the matching ones to `act` a batch at a time,
   * and holds the others until the queue is done, then abandons them (they stay, unchanged but for their
   * delivery count). Stops early when every explicit id was found, or when asked to.
   */
  async #work(
    filter: DeadLetterFilter,
    ids: ReadonlySet<string> | undefined,
    options: WorkOptions,
    act: (
      entity: Entity,
      receiver: ServiceBusReceiver,
      messages: ServiceBusReceivedMessage[],
    ) => Promise<void>,
  ): Promise<Progress> {
    const progress: Progress = { done: 0, failed: 0, errors: [] };
    const wanted = ids === undefined ? undefined : new Set(ids);
    const entities = this.#entitiesFor(filter).filter(
      (e) => wanted === undefined || [...wanted].some((id) => id.startsWith(`${e.topic}.${e.subscription}.`)),
    );
    for (const entity of entities) {
      if (options.signal?.aborted || wanted?.size === 0) break;
      const receiver = this.#receiver(entity);
      // A peek answers at once; an empty queue would otherwise cost a receive's whole wait.
      if ((await receiver.peekMessages(1, { fromSequenceNumber: Long.ZERO })).length === 0) {
        await receiver.close();
        continue;
      }
      const held: ServiceBusReceivedMessage[] = [];
      const seen = new Set<string>();
      try {
        while (!options.signal?.aborted && wanted?.size !== 0) {
          const batch = await receiver.receiveMessages(RECEIVE_BATCH, { maxWaitTimeInMs: 500 });
          const fresh = batch.filter((m) => !seen.has(String(m.sequenceNumber)));
          held.push(...batch.filter((m) => seen.has(String(m.sequenceNumber))));
          if (fresh.length === 0) break;
          const chosen: ServiceBusReceivedMessage[] = [];
          for (const message of fresh) {
            seen.add(String(message.sequenceNumber));
            const letter = deadLetterOf(entity.topic, entity.subscription, message);
            if (matches(letter, filter, wanted)) {
              chosen.push(message);
              wanted?.delete(letter.id);
            } else held.push(message);
          }
          if (chosen.length === 0) continue;
          try {
            await act(entity, receiver, chosen);
            progress.done += chosen.length;
          } catch (error) {
            // Not sent (or not all completed): they stay in the queue for another try.
            progress.failed += chosen.length;
            progress.errors.push(
              `${entity.topic}/${entity.subscription}: ${(error as Error).message ?? String(error)}`,
            );
            held.push(...chosen);
          }
          options.onProgress?.({ ...progress, errors: [...progress.errors] });
        }
      } finally {
        await Promise.all(held.map((message) => receiver.abandonMessage(message).catch(() => undefined)));
        await receiver.close();
      }
    }
    return progress;
  }
}

/** The dead letter as it was first sent, its replay count raised; the broker's dead-letter notes left out. */
export function replayCopy(message: ServiceBusReceivedMessage): ServiceBusMessage {
  const applicationProperties: Record<string, string | number | boolean | Date> = {};
  for (const [name, value] of Object.entries(message.applicationProperties ?? {})) {
    if ((DEAD_LETTER_PROPERTIES as readonly string[]).includes(name) || value === null || value === undefined)
      continue;
    applicationProperties[name] = value as string | number | boolean | Date;
  }
  delete applicationProperties[`${AMQP_LEGACY_PROPERTY_PREFIX}replaycount`];
  applicationProperties[propertyName("replaycount")] = replayCountOf(message) + 1;
  return {
    body: message.body,
    ...(message.contentType ? { contentType: message.contentType } : {}),
    ...(message.messageId !== undefined ? { messageId: message.messageId as string } : {}),
    ...(message.correlationId !== undefined ? { correlationId: message.correlationId as string } : {}),
    ...(message.subject ? { subject: message.subject } : {}),
    applicationProperties,
  };
}

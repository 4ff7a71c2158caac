// Publishes HayMaker events to the topic the contracts assign to their type: one at a time, in batches
// (split to fit the entity's message size), or scheduled for later, the way long waits are done here.
import type { ServiceBusClient, ServiceBusSender } from "@azure/service-bus";
import { encodeEvent } from "@haymaker/cloudevents";
import { type HayMakerEvent, type TopicName, topicFor } from "@haymaker/contracts";
import Long from "long";

export class EventPublisher {
  readonly #client: ServiceBusClient;
  readonly #senders = new Map<TopicName, ServiceBusSender>();

  constructor(client: ServiceBusClient) {
    this.#client = client;
  }

  #sender(topic: TopicName): ServiceBusSender {
    let sender = this.#senders.get(topic);
    if (!sender) {
      sender = this.#client.createSender(topic);
      this.#senders.set(topic, sender);
    }
    return sender;
  }

  async publish(event: HayMakerEvent): Promise<void> {
    await this.#sender(topicFor(event.type)).sendMessages(encodeEvent(event));
  }

  /**
   * Resolves once the topic's sender link is open (opening it if need be), sending nothing: a health check
   * that the namespace is reachable and this credential may send there.
   */
  async probe(topic: TopicName): Promise<void> {
    await this.#sender(topic).createMessageBatch();
  }

  /** Publishes many events, grouped by topic, in as few batches as fit. */
  async publishAll(events: readonly HayMakerEvent[]): Promise<void> {
    const byTopic = new Map<TopicName, HayMakerEvent[]>();
    for (const event of events) {
      const topic = topicFor(event.type);
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), event]);
    }
    await Promise.all([...byTopic].map(([topic, group]) => this.#sendBatches(this.#sender(topic), group)));
  }

  async #sendBatches(sender: ServiceBusSender, events: HayMakerEvent[]): Promise<void> {
    let batch = await sender.createMessageBatch();
    for (const event of events) {
      const message = encodeEvent(event);
      if (batch.tryAddMessage(message)) continue;
      if (batch.count === 0)
        throw new Error(`event ${event.id} (${event.type}) is larger than a Service Bus message may be`);
      await sender.sendMessages(batch);
      batch = await sender.createMessageBatch();
      if (!batch.tryAddMessage(message))
        throw new Error(`event ${event.id} (${event.type}) is larger than a Service Bus message may be`);
    }
    if (batch.count > 0) await sender.sendMessages(batch);
  }

  /** Publishes an event that is delivered at `at`. Returns its sequence number, for cancelling. */
  async schedule(event: HayMakerEvent, at: Date): Promise<bigint> {
    const [sequenceNumber] = await this.#sender(topicFor(event.type)).scheduleMessages(
      encodeEvent(event),
      at,
    );
    if (!sequenceNumber) throw new Error("the bus did not return a sequence number for the scheduled event");
    return BigInt(sequenceNumber.toString());
  }

  async cancelScheduled(type: HayMakerEvent["type"], sequenceNumber: bigint): Promise<void> {
    await this.#sender(topicFor(type)).cancelScheduledMessages(Long.fromString(sequenceNumber.toString()));
  }

  async close(): Promise<void> {
    await Promise.all([...this.#senders.values()].map((sender) => sender.close()));
    this.#senders.clear();
  }
}

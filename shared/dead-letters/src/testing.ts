// For tests: dead-letter events the way HayMaker's bus library does, on a real broker through the SDK.
import type { ServiceBusClient } from "@azure/service-bus";
import { encodeEvent } from "@haymaker/cloudevents";
import type { HayMakerEvent } from "@haymaker/contracts";

/**
 * Sends the events to their topic, receives the copies on `subscription` and dead-letters each with
 * `reason` and `description` (by default the bus library's UnknownScenario wording). Other subscriptions
 * of the topic keep their copies.
 */
export async function deadLetterEvents(
  client: ServiceBusClient,
  topic: string,
  subscription: string,
  events: readonly HayMakerEvent[],
  reason = "UnknownScenario",
  description = "UnknownScenarioError: the scenario is not in the catalogue",
): Promise<void> {
  const sender = client.createSender(topic);
  for (let i = 0; i < events.length; i += 250) {
    await sender.sendMessages(events.slice(i, i + 250).map(encodeEvent));
  }
  await sender.close();
  const receiver = client.createReceiver(topic, subscription);
  try {
    for (let left = events.length; left > 0; ) {
      const batch = await receiver.receiveMessages(Math.min(left, 250), { maxWaitTimeInMs: 2000 });
      if (batch.length === 0)
        throw new Error(`only ${events.length - left} of ${events.length} arrived on ${subscription}`);
      await Promise.all(
        batch.map((message) =>
          receiver.deadLetterMessage(message, {
            deadLetterReason: reason,
            deadLetterErrorDescription: description,
          }),
        ),
      );
      left -= batch.length;
    }
  } finally {
    await receiver.close();
  }
}

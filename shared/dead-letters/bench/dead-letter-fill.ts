// Puts N dead letters in agent-selected/provision's dead-letter queue the way HayMaker's services get them
// there: valid agent.selected events published with the bus library, received on provision, and
// dead-lettered with the bus library's UnknownScenario reason and a short cause. One failure, one group.
import type { ServiceBusClient, ServiceBusReceivedMessage } from "@azure/service-bus";
import { EventPublisher } from "@haymaker/bus";
import { newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA } from "@haymaker/contracts";

export const PROVISION = { topic: "agent-selected", subscription: "provision" } as const;
/** The other subscription of agent-selected: it gets a copy of every event, and of every replay. */
export const PROJECTOR = { topic: "agent-selected", subscription: "projector" } as const;

const RETIRED_SCENARIO = "retired-scenario";
const RECEIVE_BATCH = 250;

export function selectedEvents(count: number, runPrefix: string): EventOf<"agent.selected">[] {
  return Array.from({ length: count }, (_, i) =>
    newEvent("agent.selected", {
      source: "/haymaker/select",
      data: { ...EXAMPLE_DATA["agent.selected"], runId: `${runPrefix}-${i}`, scenarioId: RETIRED_SCENARIO },
    }),
  );
}

/** Publishes the events and dead-letters provision's copies; resolves with the event ids. */
export async function fillDeadLetters(
  client: ServiceBusClient,
  events: readonly EventOf<"agent.selected">[],
): Promise<Set<string>> {
  const publisher = new EventPublisher(client);
  try {
    await publisher.publishAll(events);
  } finally {
    await publisher.close();
  }
  const receiver = client.createReceiver(PROVISION.topic, PROVISION.subscription);
  try {
    for (let left = events.length; left > 0; ) {
      const batch = await receiver.receiveMessages(Math.min(left, RECEIVE_BATCH), { maxWaitTimeInMs: 5000 });
      if (batch.length === 0) {
        throw new Error(
          `only ${events.length - left} of ${events.length} published events arrived on ${PROVISION.subscription}`,
        );
      }
      await Promise.all(
        batch.map((message) =>
          receiver.deadLetterMessage(message, {
            deadLetterReason: "UnknownScenario",
            deadLetterErrorDescription: `UnknownScenarioError: no scenario ${RETIRED_SCENARIO} in the catalogue`,
          }),
        ),
      );
      left -= batch.length;
    }
  } finally {
    await receiver.close();
  }
  return new Set(events.map((event) => event.id));
}

/** Empties a subscription (its live queue, not its dead letters) and says how many it removed. */
export async function drain(
  client: ServiceBusClient,
  entity: { topic: string; subscription: string },
  onEach: (message: ServiceBusReceivedMessage) => void = () => {},
): Promise<number> {
  const receiver = client.createReceiver(entity.topic, entity.subscription, {
    receiveMode: "receiveAndDelete",
  });
  let removed = 0;
  try {
    for (;;) {
      const batch = await receiver.receiveMessages(500, { maxWaitTimeInMs: 1000 });
      if (batch.length === 0) break;
      for (const message of batch) onEach(message);
      removed += batch.length;
    }
  } finally {
    await receiver.close();
  }
  return removed;
}

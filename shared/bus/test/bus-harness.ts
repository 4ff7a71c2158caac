// A broker with a few HayMaker topics on a free port, and helpers to build valid events.
import { ServiceBusClient } from "@azure/service-bus";
import { parseConfig, type RunningBroker, startBroker } from "@haymaker/broker";
import { newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA } from "@haymaker/contracts";

export const LOCK_SECONDS = 2;
export const MAX_DELIVERY = 3;

/** A namespace with the test topology, as the bus contracts need it. */
export interface BusUnderTest {
  client: ServiceBusClient;
  stop(): Promise<void>;
}

/**
 * The test topology in the Config.json format that the embedded broker and Microsoft's Service Bus emulator
 * both read. Every property the emulator's sample config sets is given, so the emulator takes it as is.
 */
export function busTestConfig(namespace: string, lockSeconds: number): object {
  const subscription = (Name: string) => ({
    Name,
    Properties: {
      DeadLetteringOnMessageExpiration: true,
      DefaultMessageTimeToLive: "PT1H",
      LockDuration: `PT${lockSeconds}S`,
      MaxDeliveryCount: MAX_DELIVERY,
      ForwardDeadLetteredMessagesTo: "",
      ForwardTo: "",
      RequiresSession: false,
    },
  });
  const topic = (Name: string, subscriptions: string[]) => ({
    Name,
    Properties: {
      DefaultMessageTimeToLive: "PT1H",
      DuplicateDetectionHistoryTimeWindow: "PT20S",
      RequiresDuplicateDetection: false,
    },
    Subscriptions: subscriptions.map(subscription),
  });
  return {
    UserConfig: {
      Namespaces: [
        {
          Name: namespace,
          Queues: [],
          Topics: [
            topic("run-requested", ["validate", "projector"]),
            topic("agent-selected", ["provision"]),
            topic("agent-check", ["monitor"]),
          ],
        },
      ],
      Logging: { Type: "Console" },
    },
  };
}

export async function startBusBroker(): Promise<BusUnderTest & { broker: RunningBroker }> {
  const config = busTestConfig("haymaker", LOCK_SECONDS);
  const broker = await startBroker({ topology: parseConfig(JSON.stringify(config)), port: 0 });
  const client = new ServiceBusClient(broker.connectionString);
  return {
    broker,
    client,
    async stop() {
      await client.close();
      await broker.close();
    },
  };
}

let counter = 0;
/** A valid run.requested event with a fresh run id. */
export function runRequested(): EventOf<"run.requested"> {
  counter++;
  const runId = `run-bus-${counter}-${Date.now().toString(36)}`;
  return newEvent("run.requested", {
    source: "/haymaker/test",
    data: { ...EXAMPLE_DATA["run.requested"], runId },
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// A broker with a few HayMaker topics on a free port, and helpers to build valid events.
import { ServiceBusClient } from "@azure/service-bus";
import { parseConfig, type RunningBroker, startBroker } from "@haymaker/broker";
import { newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA } from "@haymaker/contracts";

export const LOCK_SECONDS = 2;
export const MAX_DELIVERY = 3;

export async function startBusBroker(): Promise<{
  broker: RunningBroker;
  client: ServiceBusClient;
  stop(): Promise<void>;
}> {
  const subscription = (Name: string) => ({
    Name,
    Properties: {
      LockDuration: `PT${LOCK_SECONDS}S`,
      MaxDeliveryCount: MAX_DELIVERY,
      DeadLetteringOnMessageExpiration: true,
    },
  });
  const config = {
    UserConfig: {
      Namespaces: [
        {
          Name: "haymaker",
          Topics: [
            { Name: "run-requested", Subscriptions: [subscription("validate"), subscription("projector")] },
            { Name: "agent-selected", Subscriptions: [subscription("provision")] },
            { Name: "agent-check", Subscriptions: [subscription("monitor")] },
          ],
        },
      ],
    },
  };
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

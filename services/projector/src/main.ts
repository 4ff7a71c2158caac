// projector as a running service: consumes its subscription on every topic and projects each event into
// the SQLite projections under the data directory, which the gateway reads. Stops cleanly on
// SIGTERM/SIGINT, finishing what it has in hand.
import { consume, createBusClient } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { eventNameOf, subscriptionsOf } from "@haymaker/contracts";
import { createLogger } from "@haymaker/logging";
import { openProjectionStore } from "@haymaker/projections";
import { projectorConfig } from "./config.ts";
import { projectEvent } from "./handler.ts";

export async function main(): Promise<void> {
  const config = configOrExit(projectorConfig);
  const logger = createLogger({ service: "projector", level: config.logLevel });
  const store = await openProjectionStore(config.cosmos, config.dataDirectory);
  const client = createBusClient(config.bus);
  const consumers = subscriptionsOf("projector").map((subscription) =>
    consume(client, {
      topic: subscription.topic,
      subscription: subscription.name,
      accepts: subscription.eventTypes.map((type) => eventNameOf(type)),
      concurrency: config.concurrency,
      logger,
      handler: async (event, context) => {
        await projectEvent(store, event, context.logger);
      },
    }),
  );
  logger.info({ store: String(store), subscriptions: consumers.length }, "projector is running");
  const stop = async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await store.close();
    await client.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}

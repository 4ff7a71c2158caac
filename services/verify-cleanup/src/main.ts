// verify-cleanup as a running service: consumes agent.finished from its subscription and publishes either
// cleanup.required or, when nothing of the agent is left, agent.cleaned. Stops cleanly on SIGTERM/SIGINT,
// finishing what it has in hand.
import { consume, createBusClient, EventPublisher } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { subscriptionsOf } from "@haymaker/contracts";
import { createLogger } from "@haymaker/logging";
import { verifyCleanupConfig } from "./config.ts";
import { SOURCE, verifyCleanup } from "./handler.ts";

export async function main(): Promise<void> {
  const config = configOrExit(verifyCleanupConfig);
  const logger = createLogger({ service: "verify-cleanup", level: config.logLevel });
  const ports = { cloud: config.cloud, secrets: config.secrets };
  const client = createBusClient(config.bus);
  const publisher = new EventPublisher(client);
  const consumers = subscriptionsOf("verify-cleanup").map((subscription) =>
    consume(client, {
      topic: subscription.topic,
      subscription: subscription.name,
      accepts: ["agent.finished"],
      logger,
      handler: async (finished, context) => {
        const next = await verifyCleanup(finished, ports);
        await publisher.publish(next);
        if (next.type === "com.haymaker.cleanup.required.v1") {
          context.logger.info(
            { agentId: next.data.agentId, leftovers: next.data.leftovers.length },
            "cleanup required",
          );
        } else {
          context.logger.info({ agentId: next.data.agentId }, "nothing left: agent cleaned");
        }
      },
    }),
  );
  logger.info({ source: SOURCE }, "verify-cleanup is running");
  const stop = async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await publisher.close();
    await client.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}

// select as a running service: loads the catalogue, consumes its subscription on run-validated, publishes
// the agents it selects. Stops cleanly on SIGTERM/SIGINT, finishing what it has in hand.
import { consume, createBusClient, EventPublisher } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { loadScenarioCatalogue, subscriptionsOf } from "@haymaker/contracts";
import { createLogger } from "@haymaker/logging";
import { selectConfig } from "./config.ts";
import { SOURCE, selectAgents } from "./handler.ts";

export async function main(): Promise<void> {
  const config = configOrExit(selectConfig);
  const logger = createLogger({ service: "select", level: config.logLevel });
  const { scenarios, errors } = await loadScenarioCatalogue(config.scenariosDirectory);
  if (errors.length > 0) {
    process.stderr.write(
      `select cannot start: the scenario catalogue has errors:\n${errors.map((e) => `  ${e.message}`).join("\n")}\n`,
    );
    process.exit(1);
  }
  const catalogue = new Set(scenarios.keys());
  const client = createBusClient(config.bus);
  const publisher = new EventPublisher(client);
  const consumers = subscriptionsOf("select").map((subscription) =>
    consume(client, {
      topic: subscription.topic,
      subscription: subscription.name,
      accepts: ["run.validated"],
      concurrency: config.concurrency,
      logger,
      handler: async (run, context) => {
        const agents = selectAgents(run, catalogue);
        await publisher.publishAll(agents);
        context.logger.info({ agents: agents.length }, "selected agents");
      },
    }),
  );
  logger.info({ source: SOURCE, scenarios: catalogue.size }, "select is running");
  const stop = async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await publisher.close();
    await client.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}

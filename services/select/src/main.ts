// select as a running service: loads the catalogue, consumes its subscription on run-validated, publishes
// the agents it selects. Stops cleanly on SIGTERM/SIGINT, finishing what it has in hand.
import { consume, createBusClient, EventPublisher } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { RefreshingCatalogue, subscriptionsOf } from "@haymaker/contracts";
import { createLogger } from "@haymaker/logging";
import { selectConfig } from "./config.ts";
import { SOURCE, selectAgents } from "./handler.ts";

export async function main(): Promise<void> {
  const config = configOrExit(selectConfig);
  const logger = createLogger({ service: "select", level: config.logLevel });
  const catalogue = await RefreshingCatalogue.open(config.scenariosDirectory);
  const { errors } = catalogue;
  if (errors.length > 0) {
    process.stderr.write(
      `select cannot start: the scenario catalogue has errors:\n${errors.map((e) => `  ${e.message}`).join("\n")}\n`,
    );
    process.exit(1);
  }
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
        // A named scenario the catalogue lacks makes it read the directory again: it may have been added.
        const scenarios = await catalogue.having(run.data.scenarios ?? []);
        const agents = selectAgents(run, new Set(scenarios.keys()));
        await publisher.publishAll(agents);
        context.logger.info({ agents: agents.length }, "selected agents");
      },
    }),
  );
  logger.info({ source: SOURCE, scenarios: catalogue.scenarios.size }, "select is running");
  const stop = async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await publisher.close();
    await client.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}

// provision as a running service: loads the catalogue, consumes its subscription on agent-selected, gives
// each agent its group, identity, role and stored secret, and publishes identity.provisioned. Stops cleanly
// on SIGTERM/SIGINT, finishing what it has in hand.
import { consume, createBusClient, EventPublisher } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { RefreshingCatalogue, subscriptionsOf } from "@haymaker/contracts";
import { createLogger } from "@haymaker/logging";
import { provisionConfig } from "./config.ts";
import { provisionAgent, SOURCE } from "./handler.ts";
import { openProvisionLedger } from "./open-ledger.ts";

export async function main(): Promise<void> {
  const config = configOrExit(provisionConfig);
  const logger = createLogger({ service: "provision", level: config.logLevel });
  const catalogue = await RefreshingCatalogue.open(config.scenariosDirectory);
  const { errors } = catalogue;
  if (errors.length > 0) {
    process.stderr.write(
      `provision cannot start: the scenario catalogue has errors:\n${errors.map((e) => `  ${e.message}`).join("\n")}\n`,
    );
    process.exit(1);
  }
  const ledger = await openProvisionLedger(config.cosmos, config.dataDirectory);
  const client = createBusClient(config.bus);
  const publisher = new EventPublisher(client);
  const consumers = subscriptionsOf("provision").map((subscription) =>
    consume(client, {
      topic: subscription.topic,
      subscription: subscription.name,
      accepts: ["agent.selected"],
      concurrency: config.concurrency,
      logger,
      handler: async (selected, context) => {
        const provisioned = await provisionAgent(selected, {
          cloud: config.cloud,
          secrets: config.secrets,
          // A scenario the catalogue lacks makes it read the directory again: it may have been added.
          catalogue: await catalogue.having([selected.data.scenarioId]),
          ledger,
        });
        if (provisioned === undefined) {
          context.logger.info(
            { agentId: selected.data.agentId },
            "agent provisioned before and cleaned up since: nothing to do",
          );
          return;
        }
        await publisher.publish(provisioned);
        const { agentId, resourceGroup, identity, secretRef, roles } = provisioned.data;
        context.logger.info(
          { agentId, resourceGroup, appId: identity.appId, secretRef, roles: roles.map((r) => r.role) },
          "provisioned agent identity",
        );
      },
    }),
  );
  logger.info(
    { source: SOURCE, scenarios: catalogue.scenarios.size, subscriptionId: config.cloud.subscriptionId },
    "provision is running",
  );
  const stop = async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await publisher.close();
    await client.close();
    ledger.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}

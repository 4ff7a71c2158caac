// validate as a running service: consumes run-requested, checks what the run needs with the same ports
// the later phases use, publishes run.validated or run.rejected. Stops cleanly on SIGTERM/SIGINT.
import { consume, createBusClient, EventPublisher } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { loadScenarioCatalogue, subscriptionsOf } from "@haymaker/contracts";
import { createLogger } from "@haymaker/logging";
import { validateConfig } from "./config.ts";
import { SOURCE, validateRun } from "./handler.ts";

export async function main(): Promise<void> {
  const config = configOrExit(validateConfig);
  const logger = createLogger({ service: "validate", level: config.logLevel });
  const deps = {
    cloud: config.cloud,
    secrets: config.secrets,
    reports: config.reports,
    runtime: config.runtime,
    loadCatalogue: () => loadScenarioCatalogue(config.scenariosDirectory),
  };
  const client = createBusClient(config.bus);
  const publisher = new EventPublisher(client);
  const consumers = subscriptionsOf("validate").map((subscription) =>
    consume(client, {
      topic: subscription.topic,
      subscription: subscription.name,
      accepts: ["run.requested"],
      logger,
      handler: async (run, context) => {
        const outcome = await validateRun(run, deps);
        await publisher.publish(outcome);
        if (outcome.type === "com.haymaker.run.rejected.v1") {
          context.logger.warn({ failedChecks: outcome.data.failedChecks.map((c) => c.name) }, "run rejected");
        } else context.logger.info("run validated");
      },
    }),
  );
  logger.info({ source: SOURCE }, "validate is running");
  const stop = async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await publisher.close();
    await client.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}

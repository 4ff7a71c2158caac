// force-cleanup as a running service: consumes cleanup.required (from verify-cleanup) and cleanup.requested
// (from operators) and deletes by tag. Publishes agent.cleaned for an agent; an operator's cleanup is only
// logged for now — the gateway issue adds the event that reports it back. Stops cleanly on SIGTERM/SIGINT,
// finishing what it has in hand.
import { join } from "node:path";
import { consume, createBusClient, EventPublisher } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { subscriptionsOf } from "@haymaker/contracts";
import { createLogger } from "@haymaker/logging";
import { ProcessRuntime } from "@haymaker/runtime";
import { FileSecretStore } from "@haymaker/stores";
import { forceCleanupConfig } from "./config.ts";
import { forceCleanup, operatorCleanup, SOURCE } from "./handler.ts";

export async function main(): Promise<void> {
  const config = configOrExit(forceCleanupConfig);
  const logger = createLogger({ service: "force-cleanup", level: config.logLevel });
  const ports = {
    cloud: config.cloud,
    secrets: new FileSecretStore(config.dataDirectory),
    // Where deploy's local runtime keeps its agents. force-cleanup only stops them; it never starts one,
    // so the command a start would run is not used.
    agents: new ProcessRuntime({
      directory: join(config.dataDirectory, "agents"),
      command: process.execPath,
      args: [],
    }),
  };
  const client = createBusClient(config.bus);
  const publisher = new EventPublisher(client);
  const consumers = subscriptionsOf("force-cleanup").map((subscription) =>
    consume(client, {
      topic: subscription.topic,
      subscription: subscription.name,
      accepts: ["cleanup.required", "cleanup.requested"],
      logger,
      handler: async (event, context) => {
        if (event.type === "com.haymaker.cleanup.required.v1") {
          const cleaned = await forceCleanup(event, ports);
          await publisher.publish(cleaned);
          const { agentId, deleted, notDeleted, identityDeleted, secretDeleted } = cleaned.data;
          const fields = { agentId, deleted: deleted.length, notDeleted, identityDeleted, secretDeleted };
          if (notDeleted.length > 0 || !identityDeleted || !secretDeleted) {
            context.logger.warn(fields, "agent cleaned, but not everything could be deleted");
          } else {
            context.logger.info(fields, "agent cleaned");
          }
          return;
        }
        const result = await operatorCleanup(event, ports);
        context.logger.info(
          { requestedBy: event.data.requestedBy, ...result },
          result.dryRun
            ? "cleanup dry run: these would be deleted"
            : "cleanup requested by an operator: done",
        );
      },
    }),
  );
  logger.info({ source: SOURCE }, "force-cleanup is running");
  const stop = async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await publisher.close();
    await client.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}

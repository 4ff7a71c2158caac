// force-cleanup as a running service: consumes cleanup.required (from verify-cleanup) and cleanup.requested
// (from operators) and deletes by tag. Publishes agent.cleaned for an agent, cleanup.completed for an
// operator's cleanup (a dry run is only logged). Stops cleanly on SIGTERM/SIGINT, finishing what it has in
// hand.
import { consume, createBusClient, EventPublisher } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { subscriptionsOf } from "@haymaker/contracts";
import { createLogger } from "@haymaker/logging";
import { forceCleanupConfig } from "./config.ts";
import { forceCleanup, SOURCE } from "./handler.ts";
import { operatorCleanup, previewOperatorCleanup } from "./operator-cleanup.ts";

export async function main(): Promise<void> {
  const config = configOrExit(forceCleanupConfig);
  const logger = createLogger({ service: "force-cleanup", level: config.logLevel });
  const ports = { cloud: config.cloud, secrets: config.secrets, agents: config.agents };
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
        if (event.data.dryRun) {
          const preview = await previewOperatorCleanup(event, ports);
          context.logger.info(
            { requestedBy: event.data.requestedBy, ...preview },
            "cleanup dry run: these would be deleted",
          );
          return;
        }
        const completed = await operatorCleanup(event, ports);
        await publisher.publish(completed);
        const { cleanupId, counts } = completed.data;
        const failed = counts.resourcesNotDeleted + counts.identitiesNotDeleted + counts.secretsNotDeleted;
        (failed > 0 ? context.logger.warn : context.logger.info).call(
          context.logger,
          { cleanupId, requestedBy: event.data.requestedBy, ...counts },
          failed > 0
            ? "operator's cleanup completed, but not everything could be deleted"
            : "operator's cleanup completed",
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

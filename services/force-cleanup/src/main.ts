// force-cleanup as a phase (resident, or one job execution with --until-idle): consumes cleanup.required
// (from verify-cleanup) and cleanup.requested (from operators) and deletes by tag. Publishes agent.cleaned
// for an agent, cleanup.completed for an operator's cleanup (a dry run is only logged).
import { runPhase } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { forceCleanupConfig } from "./config.ts";
import { forceCleanup, SOURCE } from "./handler.ts";
import { operatorCleanup, previewOperatorCleanup } from "./operator-cleanup.ts";

export async function main(): Promise<void> {
  const config = configOrExit(forceCleanupConfig);
  const ports = { cloud: config.cloud, secrets: config.secrets, agents: config.agents };
  await runPhase({
    phase: "force-cleanup",
    config,
    startFields: { source: SOURCE },
    handlers: ({ publisher }) => ({
      "cleanup.required": async (event, context) => {
        const cleaned = await forceCleanup(event, ports);
        await publisher.publish(cleaned);
        const { agentId, deleted, notDeleted, identityDeleted, secretDeleted } = cleaned.data;
        const fields = { agentId, deleted: deleted.length, notDeleted, identityDeleted, secretDeleted };
        if (notDeleted.length > 0 || !identityDeleted || !secretDeleted) {
          context.logger.warn(fields, "agent cleaned, but not everything could be deleted");
        } else {
          context.logger.info(fields, "agent cleaned");
        }
      },
      "cleanup.requested": async (event, context) => {
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
  });
}

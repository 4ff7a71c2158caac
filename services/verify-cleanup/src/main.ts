// verify-cleanup as a phase (resident, or one job execution with --until-idle): consumes agent.finished
// from its subscription and publishes either cleanup.required or, when nothing of the agent is left,
// agent.cleaned.
import { runPhase } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { verifyCleanupConfig } from "./config.ts";
import { SOURCE, verifyCleanup } from "./handler.ts";

export async function main(): Promise<void> {
  const config = configOrExit(verifyCleanupConfig);
  const ports = { cloud: config.cloud, secrets: config.secrets };
  await runPhase({
    phase: "verify-cleanup",
    config,
    startFields: { source: SOURCE },
    handlers: ({ publisher }) => ({
      "agent.finished": async (finished, context) => {
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
  });
}

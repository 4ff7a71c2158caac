// validate as a phase (resident, or one job execution with --until-idle): consumes run-requested, checks
// what the run needs with the same ports the later phases use, publishes run.validated or run.rejected.
import { runPhase } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { loadScenarioCatalogue } from "@haymaker/contracts";
import { validateConfig } from "./config.ts";
import { SOURCE, validateRun } from "./handler.ts";

export async function main(): Promise<void> {
  const config = configOrExit(validateConfig);
  const deps = {
    cloud: config.cloud,
    secrets: config.secrets,
    reports: config.reports,
    runtime: config.runtime,
    loadCatalogue: () => loadScenarioCatalogue(config.scenariosDirectory),
  };
  await runPhase({
    phase: "validate",
    config,
    startFields: { source: SOURCE },
    handlers: ({ publisher }) => ({
      "run.requested": async (run, context) => {
        const outcome = await validateRun(run, deps);
        await publisher.publish(outcome);
        if (outcome.type === "com.haymaker.run.rejected.v1") {
          context.logger.warn({ failedChecks: outcome.data.failedChecks.map((c) => c.name) }, "run rejected");
        } else context.logger.info("run validated");
      },
    }),
  });
}

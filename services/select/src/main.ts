// select as a phase (resident, or one job execution with --until-idle): loads the catalogue, consumes its
// subscription on run-validated, publishes the agents it selects.
import { runPhase } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { RefreshingCatalogue } from "@haymaker/contracts";
import { selectConfig } from "./config.ts";
import { SOURCE, selectAgents } from "./handler.ts";

export async function main(): Promise<void> {
  const config = configOrExit(selectConfig);
  const catalogue = await RefreshingCatalogue.open(config.scenariosDirectory);
  const { errors } = catalogue;
  if (errors.length > 0) {
    process.stderr.write(
      `select cannot start: the scenario catalogue has errors:\n${errors.map((e) => `  ${e.message}`).join("\n")}\n`,
    );
    process.exit(1);
  }
  await runPhase({
    phase: "select",
    config,
    startFields: { source: SOURCE, scenarios: catalogue.scenarios.size },
    handlers: ({ publisher }) => ({
      "run.validated": async (run, context) => {
        // A named scenario the catalogue lacks makes it read the directory again: it may have been added.
        const scenarios = await catalogue.having(run.data.scenarios ?? []);
        const agents = selectAgents(run, new Set(scenarios.keys()));
        await publisher.publishAll(agents);
        context.logger.info({ agents: agents.length }, "selected agents");
      },
    }),
  });
}

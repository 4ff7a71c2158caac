// provision as a phase (resident, or one job execution with --until-idle): loads the catalogue, consumes its
// subscription on agent-selected, gives each agent its group, identity, role and stored secret, and
// publishes identity.provisioned.
import { runPhase } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { RefreshingCatalogue } from "@haymaker/contracts";
import { provisionConfig } from "./config.ts";
import { provisionAgent, SOURCE } from "./handler.ts";
import { openProvisionLedger } from "./open-ledger.ts";

export async function main(): Promise<void> {
  const config = configOrExit(provisionConfig);
  const catalogue = await RefreshingCatalogue.open(config.scenariosDirectory);
  const { errors } = catalogue;
  if (errors.length > 0) {
    process.stderr.write(
      `provision cannot start: the scenario catalogue has errors:\n${errors.map((e) => `  ${e.message}`).join("\n")}\n`,
    );
    process.exit(1);
  }
  const ledger = await openProvisionLedger(config.cosmos, config.dataDirectory);
  await runPhase({
    phase: "provision",
    config,
    close: [() => ledger.close()],
    startFields: {
      source: SOURCE,
      scenarios: catalogue.scenarios.size,
      subscriptionId: config.cloud.subscriptionId,
    },
    handlers: ({ publisher }) => ({
      "agent.selected": async (selected, context) => {
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
  });
}

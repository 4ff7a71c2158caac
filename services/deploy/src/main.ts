// deploy as a phase (resident, or one job execution with --until-idle): consumes its subscription on
// identity-provisioned, starts each agent as a supervised local process (the Container Apps runtime takes
// its place in Azure) and publishes agent.deployed. Agents outlive this service: stopping it, or a crash,
// leaves them running for monitor.
import { join } from "node:path";
import { runPhase } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { deployConfig } from "./config.ts";
import { deployAgent, SOURCE } from "./handler.ts";

export async function main(): Promise<void> {
  const config = configOrExit(deployConfig);
  const { secrets, runtime } = config;
  // Without a runnable agent program every agent would fail; better not to take their events at all.
  await runtime.check().catch((error: Error) => {
    process.stderr.write(`deploy cannot start: ${error.message}\n`);
    process.exit(1);
  });
  await runPhase({
    phase: "deploy",
    config,
    startFields: { source: SOURCE, agents: join(config.dataDirectory, "agents") },
    handlers: ({ publisher }) => ({
      "identity.provisioned": async (provisioned, context) => {
        const deployed = await deployAgent(provisioned, { secrets, runtime, agent: config.agent });
        await publisher.publish(deployed);
        const { agentId, runtimeRef, deployedAt, deadline } = deployed.data;
        context.logger.info({ agentId, runtimeRef, deployedAt, deadline }, "deployed agent");
      },
    }),
  });
}

// deploy as a running service: consumes its subscription on identity-provisioned, starts each agent as a
// supervised local process (the Container Apps runtime takes its place in Azure) and publishes
// agent.deployed. Agents outlive this service: stopping it, or a crash, leaves them running for monitor.
import { join } from "node:path";
import { consume, createBusClient, EventPublisher } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { subscriptionsOf } from "@haymaker/contracts";
import { createLogger } from "@haymaker/logging";
import { deployConfig } from "./config.ts";
import { deployAgent, SOURCE } from "./handler.ts";

export async function main(): Promise<void> {
  const config = configOrExit(deployConfig);
  const logger = createLogger({ service: "deploy", level: config.logLevel });
  const { secrets, runtime } = config;
  // Without a runnable agent program every agent would fail; better not to take their events at all.
  await runtime.check().catch((error: Error) => {
    process.stderr.write(`deploy cannot start: ${error.message}\n`);
    process.exit(1);
  });
  const client = createBusClient(config.bus);
  const publisher = new EventPublisher(client);
  const consumers = subscriptionsOf("deploy").map((subscription) =>
    consume(client, {
      topic: subscription.topic,
      subscription: subscription.name,
      accepts: ["identity.provisioned"],
      concurrency: config.concurrency,
      logger,
      handler: async (provisioned, context) => {
        const deployed = await deployAgent(provisioned, { secrets, runtime, agent: config.agent });
        await publisher.publish(deployed);
        const { agentId, runtimeRef, deployedAt, deadline } = deployed.data;
        context.logger.info({ agentId, runtimeRef, deployedAt, deadline }, "deployed agent");
      },
    }),
  );
  logger.info({ source: SOURCE, agents: join(config.dataDirectory, "agents") }, "deploy is running");
  const stop = async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await publisher.close();
    await client.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}

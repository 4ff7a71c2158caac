// `make run`: HayMaker on its embedded defaults, on this machine alone. The bus (the embedded
// Service-Bus-compatible broker with HayMaker's topology from contracts) and the sandbox cloud (ARM, Graph
// and a token endpoint) run in this process; every phase service, the projector and the gateway run as
// their own processes, as each is its own container in Azure. Agents run as supervised child processes.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ensureRulesFile, parseConfig, ROOT_RULE, rulesFileIn, startBroker } from "@haymaker/broker";
import { configOrExit } from "@haymaker/config";
import { AGENT_TELEMETRY_SEND_RULE, buildEmulatorConfig, toJsonFile, topology } from "@haymaker/contracts";
import { createLogger } from "@haymaker/logging";
import { AZURE_REALISM, startSandboxCloud } from "@haymaker/sandbox-cloud";
import { activityLogSettleFor } from "./activity-log-settle.ts";
import { ensureAdminKey } from "./admin-key.ts";
import {
  AZURE_PROFILE_IMAGES,
  type AzureStandIns,
  startAzureStandIns,
} from "./azure-profile/azure-profile.ts";
import { localStackConfig } from "./config.ts";
import { removeLocalFile, writeLocalFile } from "./local-file.ts";
import { orchestratorIdentity } from "./orchestrator-identity.ts";
import { choosePort, listenOrExit, waitForHealth } from "./ports.ts";
import { LOCAL_SERVICES, startServices } from "./services.ts";
import { stopAgents } from "./stop-agents.ts";

export async function main(): Promise<void> {
  const config = configOrExit(localStackConfig);
  const logger = createLogger({ service: "local-stack", level: config.HAYMAKER_LOG_LEVEL });
  const dataDirectory = resolve(config.HAYMAKER_DATA_DIR);
  const azure = config.HAYMAKER_PROFILE === "azure";
  mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });

  // The broker's Config.json is derived from contracts on every start, so it can never drift from them.
  const configText = toJsonFile(buildEmulatorConfig(topology));
  const configFile = join(dataDirectory, "servicebus-config.json");
  writeFileSync(configFile, configText);

  // The services' root key, and the send-only key deploy hands to agents (their telemetry topic, nothing
  // else), both generated once and kept 0600 in the broker's data directory.
  const brokerDirectory = join(dataDirectory, "broker");
  const rules = ensureRulesFile(rulesFileIn(brokerDirectory), [ROOT_RULE, AGENT_TELEMETRY_SEND_RULE]);
  const broker = await listenOrExit("bus", "HAYMAKER_BROKER_PORT", config.HAYMAKER_BROKER_PORT, () =>
    startBroker({
      topology: parseConfig(configText, configFile),
      port: config.HAYMAKER_BROKER_PORT,
      dataDirectory: brokerDirectory,
      rules,
      logger: { info: (message) => logger.info(message), warn: (message) => logger.warn(message) },
    }),
  );
  const sandbox = await listenOrExit(
    "sandbox cloud",
    "HAYMAKER_SANDBOX_PORT",
    config.HAYMAKER_SANDBOX_PORT,
    () =>
      startSandboxCloud({
        port: config.HAYMAKER_SANDBOX_PORT,
        dataDirectory: join(dataDirectory, "sandbox"),
        ...(config.HAYMAKER_SANDBOX_FAULTS === undefined ? {} : { faults: config.HAYMAKER_SANDBOX_FAULTS }),
        ...(azure ? { realism: AZURE_REALISM, containerImages: AZURE_PROFILE_IMAGES } : {}),
      }),
  );
  const orchestrator = orchestratorIdentity(dataDirectory, sandbox);
  const agentBusConnectionString = broker.connectionStringFor(AGENT_TELEMETRY_SEND_RULE.name);
  let standIns: AzureStandIns | undefined;
  if (azure) {
    try {
      standIns = await startAzureStandIns({
        dataDirectory,
        sandbox,
        orchestrator,
        agentBusConnectionString,
        scenariosDirectory: resolve(config.HAYMAKER_SCENARIOS_DIR),
      });
    } catch (error) {
      process.stderr.write(
        `haymaker: the Azure profile's stand-ins could not start: ${(error as Error).message}\n`,
      );
      await sandbox.close();
      await broker.close();
      process.exit(1);
    }
  }
  // In the key store the gateway reads: Cosmos DB's in the Azure profile.
  const adminKeyFile = await ensureAdminKey(dataDirectory, { ...standIns?.credentials.state });
  const gatewayPort = await choosePort(config.HAYMAKER_PORT);
  const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;

  const services = startServices(
    LOCAL_SERVICES,
    {
      shared: {
        HAYMAKER_SERVICEBUS_CONNECTION_STRING: broker.connectionString,
        HAYMAKER_DATA_DIR: dataDirectory,
        HAYMAKER_SCENARIOS_DIR: resolve(config.HAYMAKER_SCENARIOS_DIR),
        HAYMAKER_LOG_LEVEL: config.HAYMAKER_LOG_LEVEL,
        HAYMAKER_PORT: String(gatewayPort),
        HAYMAKER_TENANT_ID: sandbox.tenantId,
        HAYMAKER_SUBSCRIPTION_ID: sandbox.subscriptionId,
        HAYMAKER_ARM_ENDPOINT: sandbox.url,
        HAYMAKER_MONITOR_INTERVAL: config.HAYMAKER_MONITOR_INTERVAL,
        HAYMAKER_AGENT_GRACE: config.HAYMAKER_AGENT_GRACE,
        // Every service and agent is a Node process loading the same modules: compile them once.
        NODE_COMPILE_CACHE: join(dataDirectory, "compile-cache"),
        // The report waits for the Activity Log to settle: as long as the sandbox delays it, so at once
        // without realism.
        HAYMAKER_ACTIVITY_LOG_SETTLE: activityLogSettleFor(sandbox.realism),
        ...standIns?.shared,
      },
      credentials: {
        // In the Azure profile agents get their bus key from the agent job's secrets, never from deploy.
        agentBus: azure ? {} : { HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING: agentBusConnectionString },
        agentRunner: standIns?.credentials.agentRunner ?? {},
        reports: standIns?.credentials.reports ?? {},
        state: standIns?.credentials.state ?? {},
        orchestrator: {
          HAYMAKER_CLIENT_ID: orchestrator.clientId,
          HAYMAKER_CLIENT_SECRET: orchestrator.clientSecret,
        },
      },
    },
    (line) => process.stdout.write(`${line}\n`),
  );

  const localFile = await writeLocalFile(dataDirectory, {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    gateway: { url: gatewayUrl, apiKeyFile: adminKeyFile },
    broker: {
      port: broker.port,
      connectionString: broker.connectionString,
      certificateFile: broker.certificateFile,
      configFile,
    },
    sandbox: {
      url: sandbox.url,
      tenantId: sandbox.tenantId,
      subscriptionId: sandbox.subscriptionId,
      orchestrator: { clientId: orchestrator.clientId, clientSecret: orchestrator.clientSecret },
    },
    ...(standIns === undefined ? {} : { azure: standIns.describe }),
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    // Agents clean up after themselves when stopped; let them, while the sandbox and the bus are still here.
    await stopAgents(join(dataDirectory, "agents"), config.HAYMAKER_AGENT_GRACE, (line) =>
      process.stdout.write(`${line}\n`),
    );
    await services.stop();
    // Closing the sandbox stops agents still running as job executions (SIGTERM, then their grace).
    await sandbox.close();
    await standIns?.stop();
    await broker.close();
    removeLocalFile(dataDirectory);
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));

  if (!(await waitForHealth(gatewayUrl, 60_000))) {
    process.stderr.write(
      `haymaker: the gateway did not answer on ${gatewayUrl} within a minute; see its output above.\n`,
    );
    await stop("gateway-timeout");
    return;
  }
  const topics = topology.topics.length;
  const subscriptions = topology.topics.reduce((n, topic) => n + topic.subscriptions.length, 0);
  process.stdout.write(
    [
      azure
        ? "HayMaker is running on its Azure adapters, against local stand-ins that behave like Azure."
        : "HayMaker is running on its embedded defaults.",
      `  gateway   ${gatewayUrl}  (the API; docs at ${gatewayUrl}/docs)`,
      `            admin API key in ${adminKeyFile} (send it as Authorization: Bearer <key>)`,
      `  bus       Service-Bus-compatible broker, listening on 127.0.0.1:${broker.port} (AMQP, AMQPS, WebSockets)`,
      `            ${topics} topics, ${subscriptions} subscriptions; messages kept in ${join(dataDirectory, "broker")}`,
      `  sandbox   ${sandbox.url}  (ARM, Microsoft Graph, token endpoint)`,
      `            tenant ${sandbox.tenantId}, subscription ${sandbox.subscriptionId}`,
      ...(standIns === undefined
        ? []
        : [
            `            realism on: ${Object.keys(AZURE_REALISM).join(", ")}`,
            `  vault     ${standIns.describe.keyVault}  (Key Vault: agents' secrets)`,
            `  agents    Container Apps job ${standIns.describe.agentJob}`,
            `  reports   ${standIns.describe.reports.blobEndpoint}  (Azurite: Blob Storage)`,
            `  state     ${standIns.describe.state.endpoint}  (Cosmos DB stand-in: projections, ledgers, keys; in memory)`,
          ]),
      `  services  ${LOCAL_SERVICES.map((service) => service.name).join(", ")}`,
      `            scenarios from ${resolve(config.HAYMAKER_SCENARIOS_DIR)}`,
      `  local     ${localFile} (endpoints, the bus's connection string, HayMaker's sandbox credentials${azure ? ", the Azurite and Cosmos DB keys" : ""})`,
      "Stop with Ctrl+C.",
      "",
    ].join("\n"),
  );
}

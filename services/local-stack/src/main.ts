// `make run`: HayMaker on its embedded defaults, on this machine alone: the message bus (the embedded
// Service-Bus-compatible broker with HayMaker's topology from contracts) and the phase services built so far,
// each its own process; the sandbox cloud and the gateway join as they are built.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseConfig, startBroker } from "@haymaker/broker";
import { configOrExit } from "@haymaker/config";
import { buildEmulatorConfig, toJsonFile, topology } from "@haymaker/contracts";
import { createLogger } from "@haymaker/logging";
import { localStackConfig } from "./config.ts";
import { removeLocalFile, writeLocalFile } from "./local-file.ts";
import { LOCAL_SERVICES, startServices } from "./services.ts";

export async function main(): Promise<void> {
  const config = configOrExit(localStackConfig);
  const logger = createLogger({ service: "local-stack", level: config.HAYMAKER_LOG_LEVEL });
  const dataDirectory = resolve(config.HAYMAKER_DATA_DIR);
  mkdirSync(dataDirectory, { recursive: true });

  // The broker's Config.json is derived from contracts on every start, so it can never drift from them.
  const configText = toJsonFile(buildEmulatorConfig(topology));
  const configFile = join(dataDirectory, "servicebus-config.json");
  writeFileSync(configFile, configText);

  const broker = await startBroker({
    topology: parseConfig(configText, configFile),
    port: config.HAYMAKER_BROKER_PORT,
    dataDirectory: join(dataDirectory, "broker"),
    logger: { info: (message) => logger.info(message), warn: (message) => logger.warn(message) },
  }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "EADDRINUSE") {
      process.stderr.write(
        `haymaker: port ${config.HAYMAKER_BROKER_PORT} is in use (is HayMaker already running?). Stop it, or set HAYMAKER_BROKER_PORT to another port (0 picks a free one).\n`,
      );
      process.exit(1);
    }
    throw error;
  });

  const localFile = writeLocalFile(dataDirectory, {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    broker: {
      port: broker.port,
      connectionString: broker.connectionString,
      certificateFile: broker.certificateFile,
      configFile,
    },
  });
  const services = startServices(
    LOCAL_SERVICES,
    {
      HAYMAKER_SERVICEBUS_CONNECTION_STRING: broker.connectionString,
      HAYMAKER_DATA_DIR: dataDirectory,
      HAYMAKER_SCENARIOS_DIR: resolve(config.HAYMAKER_SCENARIOS_DIR),
      HAYMAKER_LOG_LEVEL: config.HAYMAKER_LOG_LEVEL,
    },
    (line) => process.stdout.write(`${line}\n`),
  );
  const topics = topology.topics.length;
  const subscriptions = topology.topics.reduce((n, topic) => n + topic.subscriptions.length, 0);
  process.stdout.write(
    [
      "HayMaker is running on its embedded defaults.",
      `  bus       Service-Bus-compatible broker, listening on 127.0.0.1:${broker.port} (AMQP, AMQPS, WebSockets)`,
      `            ${topics} topics, ${subscriptions} subscriptions; messages kept in ${join(dataDirectory, "broker")}`,
      `            HAYMAKER_SERVICEBUS_CONNECTION_STRING="${broker.connectionString}"`,
      `  services  ${LOCAL_SERVICES.map((service) => service.name).join(", ")} (scenarios from ${resolve(config.HAYMAKER_SCENARIOS_DIR)})`,
      `  local     ${localFile}`,
      "Stop with Ctrl+C.",
      "",
    ].join("\n"),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    await services.stop();
    await broker.close();
    removeLocalFile(dataDirectory);
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

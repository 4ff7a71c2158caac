// The gateway as a running service: the HTTP API on loopback, writing requests onto the bus and reading
// the projections the projector keeps. Stops cleanly on SIGTERM/SIGINT.
import { createBusClient, EventPublisher } from "@haymaker/bus";
import { configOrExit } from "@haymaker/config";
import { loadScenarioCatalogue, type ScenarioCatalogue, topicFor } from "@haymaker/contracts";
import { DeadLetterQueues, ReplayOperations, TOPOLOGY_ENTITIES } from "@haymaker/dead-letters";
import { createLogger } from "@haymaker/logging";
import { openProjectionStore } from "@haymaker/projections";
import { createGateway } from "./app.ts";
import { EntraTokenVerifier } from "./auth/entra-tokens.ts";
import { gatewayConfig } from "./config.ts";
import { openGatewayState } from "./gateway-state.ts";
import { serveGateway } from "./serve.ts";

/** The catalogue is read again at most this often, so added scenarios show up without a restart. */
const CATALOGUE_TTL_MS = 5_000;

export async function main(): Promise<void> {
  const config = configOrExit(gatewayConfig);
  const logger = createLogger({ service: "gateway", level: config.logLevel });
  const client = createBusClient(config.bus);
  const publisher = new EventPublisher(client);
  const projections = await openProjectionStore(config.cosmos, config.dataDirectory);
  // Keys, budgets and replay operations in Cosmos DB's state container when it is configured (opened once
  // for all three), so that every replica shares them: any replica follows and aborts any replica's replay.
  const state = await openGatewayState(config.cosmos, config.dataDirectory);
  const queues = new DeadLetterQueues(client, TOPOLOGY_ENTITIES);
  const operations = new ReplayOperations(state.replayOperations, queues, {
    onError: (error) =>
      logger.warn({ err: error }, "a replay operation's progress could not be written; retrying"),
  });
  let cached: { at: number; catalogue: Promise<ScenarioCatalogue> } | undefined;
  const app = createGateway(
    {
      publish: (event) => publisher.publish(event),
      catalogue: () => {
        if (cached === undefined || Date.now() - cached.at > CATALOGUE_TTL_MS) {
          cached = { at: Date.now(), catalogue: loadScenarioCatalogue(config.scenariosDirectory) };
        }
        return cached.catalogue;
      },
      projections,
      reports: config.reports,
      keys: state.keys,
      ...(config.entra === undefined
        ? {}
        : {
            entra: new EntraTokenVerifier(config.entra, {
              log: (message, fields) => logger.warn(fields, message),
            }),
          }),
      executeLimitPerMinute: config.executeLimitPerMinute,
      rateLimits: state.rateLimits,
      writeLimitPerMinute: config.writeLimitPerMinute,
      streams: config.streamLimits,
      schedule: config.schedule,
      deadLetters: { queues, operations, editEnabled: config.deadLetterEdit },
      checks: [{ name: "bus", check: async () => void (await publisher.probe(topicFor("run.requested"))) }],
    },
    (error, path) => logger.error({ err: error, path }, "request failed"),
  );
  const server = serveGateway(
    app,
    {
      port: config.port,
      hostname: config.host,
      log: (error) => logger.error({ err: error }, "request could not be read"),
    },
    (info) => logger.info({ url: `http://${info.address}:${info.port}` }, "gateway is listening"),
  );
  server.once("error", (error: NodeJS.ErrnoException) => {
    process.stderr.write(
      error.code === "EADDRINUSE"
        ? `gateway cannot start: port ${config.port} is in use; set HAYMAKER_PORT to another port.\n`
        : `gateway cannot start: ${error.message}\n`,
    );
    process.exit(1);
  });
  // Ctrl+C reaches the gateway twice when make run stops it too (SIGINT, then SIGTERM): stop once.
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= stopOnce();
    return stopping;
  };
  const stopOnce = async () => {
    // Requests in flight may finish; open streams (SSE) would hold the close forever, so they are cut
    // after a moment: clients reconnect with Last-Event-ID.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const cut = setTimeout(() => server.closeAllConnections(), 2_000);
    await closed;
    clearTimeout(cut);
    await operations.close();
    await publisher.close();
    await client.close();
    await projections.close();
    state.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
}

// `haymaker-broker --port P --config FILE [--data DIR | --in-memory] [--keys FILE] [--host H --expose]`
import { parseArgs } from "node:util";
import { RuleError } from "./auth/rules.ts";
import { RULES_FILE_NAME, readRulesFile } from "./auth/rules-file.ts";
import { BrokerOptionsError, isLoopback, startBroker } from "./broker.ts";
import { ConfigError, loadConfig } from "./config/load-config.ts";

const USAGE = `Usage: haymaker-broker --config FILE [--port P] [--data DIR | --in-memory] [--keys FILE]
                       [--tls-cert FILE --tls-key FILE] [--host H --expose]

HayMaker's embedded Service-Bus-compatible AMQP 1.0 broker.

  --config FILE     topology in the Service Bus emulator's Config.json format (required)
  --port P          port (default 5672; 0 picks a free one). AMQP, AMQPS and
                    WebSockets (/$servicebus/websocket) are all served on it
  --data DIR        keep messages in DIR (default .haymaker/broker), and the generated
                    RootManageSharedAccessKey in DIR/${RULES_FILE_NAME} (0600)
  --in-memory       keep nothing on disk (a new key every start)
  --keys FILE       authorization rules to use instead: {"rules":[{"name","key",
                    "rights":["Send"|"Listen"|"Manage"],"entity"?}]}, mode 0600
  --tls-cert FILE   certificate for amqps/wss (default: a self-signed one for localhost)
  --tls-key FILE    its private key
  --host H          address to listen on (default 127.0.0.1)
  --expose          required with a --host other than loopback: the broker is then
                    reachable from other machines, guarded by its keys alone
`;

function fail(message: string): never {
  process.stderr.write(`haymaker-broker: ${message}\n`);
  process.exit(2);
}

export async function main(argv: string[]): Promise<void> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    fail(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (!values.config) fail(`--config is required\n\n${USAGE}`);
  if (values["in-memory"] && values.data) fail("choose either --data DIR or --in-memory, not both");
  const port = Number(values.port ?? 5672);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`--port must be a number from 0 to 65535, got "${values.port}"`);
  if (Boolean(values["tls-cert"]) !== Boolean(values["tls-key"]))
    fail("--tls-cert and --tls-key go together");
  const host = values.host ?? "127.0.0.1";

  let topology: ReturnType<typeof loadConfig>;
  try {
    topology = loadConfig(values.config);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const dataDirectory = values["in-memory"] ? undefined : (values.data ?? ".haymaker/broker");
  let rules: ReturnType<typeof readRulesFile> | undefined;
  try {
    rules = values.keys ? readRulesFile(values.keys) : undefined;
  } catch (error) {
    if (error instanceof RuleError) fail(error.message);
    throw error;
  }
  const broker = await startBroker({
    topology,
    port,
    host,
    exposed: values.expose ?? false,
    dataDirectory,
    rules,
    tlsCertFile: values["tls-cert"],
    tlsKeyFile: values["tls-key"],
    logger: {
      info: (message) => process.stdout.write(`${message}\n`),
      warn: (message) => process.stderr.write(`${message}\n`),
    },
  }).catch((error: NodeJS.ErrnoException) => {
    if (error instanceof RuleError || error instanceof BrokerOptionsError) fail(error.message);
    if (error.code === "EADDRINUSE")
      fail(`port ${port} is already in use; pick another with --port, or --port 0 for a free one`);
    throw error;
  });
  const entities =
    topology.queues.length + topology.topics.reduce((n, topic) => n + 1 + topic.subscriptions.length, 0);
  process.stdout.write(
    `haymaker-broker: namespace ${topology.namespace}, ${entities} entities, ${dataDirectory ? `messages in ${dataDirectory}` : "in memory"}\n` +
      `haymaker-broker: websocket on ${host}:${broker.port} (path /$servicebus/websocket)\n` +
      (broker.certificateFile ? `haymaker-broker: tls certificate ${broker.certificateFile}\n` : "") +
      `haymaker-broker: connection string ${broker.connectionString}\n` +
      (values.expose && !isLoopback(host)
        ? `haymaker-broker: exposed: reachable from other machines, guarded by its keys alone\n`
        : "") +
      `haymaker-broker: listening on ${host}:${broker.port}\n`,
  );
  const stop = (signal: string) => {
    process.stdout.write(`haymaker-broker: ${signal}, stopping\n`);
    broker.close().then(() => process.exit(0));
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      config: { type: "string" },
      port: { type: "string" },
      data: { type: "string" },
      "in-memory": { type: "boolean" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      keys: { type: "string" },
      host: { type: "string" },
      expose: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
}

// Starts HayMaker's embedded Service-Bus-compatible broker: topology from a Config.json, messages in
// SQLite (or memory), AMQP/AMQPS/WebSocket clients on one loopback port, each proving a key of the
// broker's authorization rules.
import { type AddressInfo, isIP, type Server } from "node:net";
import { AccessControl } from "./auth/access-control.ts";
import {
  type AuthorizationRule,
  ROOT_RULE,
  ROOT_RULE_NAME,
  validateRules,
  withNewKey,
} from "./auth/rules.ts";
import { ensureRulesFile, rulesFileIn } from "./auth/rules-file.ts";
import type { Topology } from "./config/topology.ts";
import { BrokerEngine } from "./engine/broker-engine.ts";
import { AmqpFrontend, type FrontendLogger } from "./server/amqp-frontend.ts";
import { createListener } from "./server/listener.ts";
import { loadTlsMaterial } from "./server/tls-certificate.ts";
import { MemoryStore } from "./store/message-store.ts";
import { SqliteStore } from "./store/sqlite-store.ts";

export interface BrokerOptions {
  topology: Topology;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Where messages are kept. Omit for an in-memory broker that keeps nothing across restarts. */
  dataDirectory?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  logger?: FrontendLogger;
  /**
   * The shared access authorization rules clients authenticate with. Without them the broker has one,
   * RootManageSharedAccessKey (Manage), its key kept in `<dataDirectory>/authorization-rules.json` (0600),
   * or generated for this run when in memory.
   */
  rules?: readonly AuthorizationRule[];
  /** Must be true to listen on an address other than loopback: anyone who reaches it may try keys. */
  exposed?: boolean;
}

export interface RunningBroker {
  port: number;
  host: string;
  /** The root rule's: `Endpoint=sb://localhost:<port>;SharedAccessKeyName=…;SharedAccessKey=…;UseDevelopmentEmulator=true;` */
  connectionString: string;
  /** The connection string of the rule named so (with `EntityPath=` for an entity-level rule). */
  connectionStringFor(ruleName: string): string;
  /** The broker's TLS certificate (PEM), for clients that connect with amqps or wss. */
  certificate: string;
  certificateFile: string | undefined;
  engine: BrokerEngine;
  close(): Promise<void>;
}

const quiet: FrontendLogger = { info() {}, warn() {} };

export class BrokerOptionsError extends Error {
  override name = "BrokerOptionsError";
}

function connectionString(port: number, rule: AuthorizationRule): string {
  const entity = rule.entity === undefined ? "" : `EntityPath=${rule.entity};`;
  return `Endpoint=sb://localhost:${port};SharedAccessKeyName=${rule.name};SharedAccessKey=${rule.key};${entity}UseDevelopmentEmulator=true;`;
}

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine reaches. */
export function isLoopback(host: string): boolean {
  if (host.toLowerCase() === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1" || host.toLowerCase() === "::ffff:127.0.0.1";
}

function rulesFor(options: BrokerOptions): readonly AuthorizationRule[] {
  if (options.rules) return options.rules;
  if (options.dataDirectory) return ensureRulesFile(rulesFileIn(options.dataDirectory), [ROOT_RULE]);
  return [withNewKey(ROOT_RULE)];
}

export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopback(host) && !options.exposed)
    throw new BrokerOptionsError(
      `refusing to listen on ${host}: it is not a loopback address, so anyone who can reach it could try keys; to mean it, pass exposed: true (haymaker-broker --expose)`,
    );
  const rules = rulesFor(options);
  const entities = new Set(
    [...options.topology.queues, ...options.topology.topics].map((entity) => entity.name.toLowerCase()),
  );
  validateRules(rules, (name) => entities.has(name.toLowerCase()));
  const tls = await loadTlsMaterial({
    certFile: options.tlsCertFile,
    keyFile: options.tlsKeyFile,
    dataDirectory: options.dataDirectory,
  });
  const store = options.dataDirectory ? new SqliteStore(options.dataDirectory) : new MemoryStore();
  const engine = new BrokerEngine(options.topology, store);
  const frontend = new AmqpFrontend(engine, new AccessControl(rules), options.logger ?? quiet);
  const server: Server = createListener(
    {
      amqp: (socket) => frontend.acceptSocket(socket),
      webSocket: (socket) => frontend.acceptWebSocket(socket),
    },
    { key: tls.key, cert: tls.cert },
  );
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const root =
    rules.find((rule) => rule.name === ROOT_RULE_NAME) ??
    rules.find((rule) => rule.entity === undefined) ??
    (rules[0] as AuthorizationRule);
  let closing: Promise<void> | undefined;
  return {
    port,
    host,
    connectionString: connectionString(port, root),
    connectionStringFor(ruleName: string) {
      const rule = rules.find((candidate) => candidate.name.toLowerCase() === ruleName.toLowerCase());
      if (!rule) throw new BrokerOptionsError(`the broker has no authorization rule named "${ruleName}"`);
      return connectionString(port, rule);
    },
    certificate: tls.cert,
    certificateFile: tls.certFile,
    engine,
    close() {
      closing ??= new Promise<void>((resolve) => {
        frontend.close();
        server.close(() => resolve());
        // Give clients a moment to read the close frame, then cut whoever is left.
        setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, 100).unref();
      }).then(() => engine.close());
      return closing;
    },
  };
}

// Starts HayMaker's embedded Service-Bus-compatible broker: topology from a Config.json, messages in
// SQLite (or memory), AMQP/AMQPS/WebSocket clients on one loopback port.
import type { AddressInfo, Server } from "node:net";
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
}

export interface RunningBroker {
  port: number;
  host: string;
  /** What a client needs: `Endpoint=sb://localhost:<port>;…;UseDevelopmentEmulator=true;` */
  connectionString: string;
  /** The broker's TLS certificate (PEM), for clients that connect with amqps or wss. */
  certificate: string;
  certificateFile: string | undefined;
  engine: BrokerEngine;
  close(): Promise<void>;
}

const quiet: FrontendLogger = { info() {}, warn() {} };

export function connectionStringFor(port: number): string {
  // The key is not checked; the SDK insists on one being present.
  return `Endpoint=sb://localhost:${port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;`;
}

export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const host = options.host ?? "127.0.0.1";
  const tls = await loadTlsMaterial({
    certFile: options.tlsCertFile,
    keyFile: options.tlsKeyFile,
    dataDirectory: options.dataDirectory,
  });
  const store = options.dataDirectory ? new SqliteStore(options.dataDirectory) : new MemoryStore();
  const engine = new BrokerEngine(options.topology, store);
  const frontend = new AmqpFrontend(engine, options.logger ?? quiet);
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
  let closing: Promise<void> | undefined;
  return {
    port,
    host,
    connectionString: connectionStringFor(port),
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

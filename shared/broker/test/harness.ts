// Starts a broker on a free loopback port for a test, with a Config.json built in the test, and hands out
// official @azure/service-bus clients connected to it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  parseServiceBusConnectionString,
  ServiceBusClient,
  type ServiceBusClientOptions,
} from "@azure/service-bus";
import { createSharedAccessSignature } from "../src/auth/shared-access-signature.ts";
import { type BrokerOptions, type RunningBroker, startBroker } from "../src/broker.ts";
import { parseConfig } from "../src/config/load-config.ts";

export interface QueueSpec {
  Name: string;
  Properties?: Record<string, unknown>;
}
export interface TopicSpec {
  Name: string;
  Properties?: Record<string, unknown>;
  Subscriptions: Array<{ Name: string; Properties?: Record<string, unknown>; Rules?: unknown[] }>;
}

export function configJson(entities: { queues?: QueueSpec[]; topics?: TopicSpec[] }): string {
  return JSON.stringify({
    UserConfig: {
      Namespaces: [{ Name: "test", Queues: entities.queues ?? [], Topics: entities.topics ?? [] }],
      Logging: { Type: "Console" },
    },
  });
}

export interface TestBroker {
  broker: RunningBroker;
  client(options?: ServiceBusClientOptions): ServiceBusClient;
  dataDirectory: string | undefined;
  stop(): Promise<void>;
}

export async function startTestBroker(
  entities: { queues?: QueueSpec[]; topics?: TopicSpec[] },
  options: { durable?: boolean; rules?: BrokerOptions["rules"] } = {},
): Promise<TestBroker> {
  const dataDirectory = options.durable ? mkdtempSync(join(tmpdir(), "haymaker-broker-")) : undefined;
  const broker = await startBroker({
    topology: parseConfig(configJson(entities)),
    port: 0,
    dataDirectory,
    rules: options.rules,
  });
  const clients: ServiceBusClient[] = [];
  return {
    broker,
    dataDirectory,
    client(clientOptions?: ServiceBusClientOptions) {
      const client = new ServiceBusClient(broker.connectionString, clientOptions);
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((client) => client.close().catch(() => {})));
      await broker.close();
      if (dataDirectory) rmSync(dataDirectory, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The rule name and key a connection string carries, for clients that sign tokens or log in themselves. */
export function keyOf(connectionString: string): { name: string; key: string } {
  const { sharedAccessKeyName = "", sharedAccessKey = "" } =
    parseServiceBusConnectionString(connectionString);
  return { name: sharedAccessKeyName, key: sharedAccessKey };
}

/** SASL PLAIN options that log a bare AMQP client in with the connection string's rule. */
export function plainLogin(connectionString: string): { username: string; password: string } {
  const { name, key } = keyOf(connectionString);
  return { username: name, password: key };
}

/** A token for `resource` signed with the connection string's key, valid for an hour. */
export function tokenFor(connectionString: string, resource: string, lifetimeSeconds = 3600): string {
  const { name, key } = keyOf(connectionString);
  return createSharedAccessSignature(name, key, resource, Math.floor(Date.now() / 1000) + lifetimeSeconds);
}

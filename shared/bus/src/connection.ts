// One way to reach the bus from every service: a connection string (the embedded broker locally, or a
// namespace's SAS key) or a namespace with DefaultAzureCredential (managed identity in Azure).
import { DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import { ServiceBusClient, type ServiceBusClientOptions } from "@azure/service-bus";
import { ConfigError, parseEnv } from "@haymaker/config";
import * as v from "valibot";

export type BusConnection =
  | { connectionString: string }
  | { fullyQualifiedNamespace: string; credential?: TokenCredential };

const BusEnv = v.object({
  HAYMAKER_SERVICEBUS_CONNECTION_STRING: v.optional(
    v.pipe(
      v.string(),
      v.regex(
        /^Endpoint=sb:\/\/[^;]+;/i,
        "must start with Endpoint=sb://<host>; as Service Bus connection strings do",
      ),
    ),
  ),
  HAYMAKER_SERVICEBUS_NAMESPACE: v.optional(
    v.pipe(
      v.string(),
      v.regex(
        /^[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)+$/i,
        "must be a fully qualified namespace such as contoso.servicebus.windows.net",
      ),
    ),
  ),
});

/**
 * Reads the bus connection from the environment: HAYMAKER_SERVICEBUS_CONNECTION_STRING, or
 * HAYMAKER_SERVICEBUS_NAMESPACE (authenticated with DefaultAzureCredential). Throws ConfigError naming the
 * variable at fault, never echoing its value (a connection string holds a key).
 */
export function busConnectionFromEnv(
  env: Record<string, string | undefined> = process.env,
  service = "haymaker",
): BusConnection {
  const {
    HAYMAKER_SERVICEBUS_CONNECTION_STRING: connectionString,
    HAYMAKER_SERVICEBUS_NAMESPACE: namespace,
  } = parseEnv(service, BusEnv, env);
  if (connectionString && namespace) {
    throw new ConfigError(service, [
      "HAYMAKER_SERVICEBUS_CONNECTION_STRING, HAYMAKER_SERVICEBUS_NAMESPACE: set either one, not both",
    ]);
  }
  if (connectionString) return { connectionString };
  if (namespace) return { fullyQualifiedNamespace: namespace };
  throw new ConfigError(service, [
    "HAYMAKER_SERVICEBUS_CONNECTION_STRING or HAYMAKER_SERVICEBUS_NAMESPACE is required: a connection string (the local broker prints one) or the namespace to reach with Azure credentials",
  ]);
}

export function createBusClient(
  connection: BusConnection,
  options?: ServiceBusClientOptions,
): ServiceBusClient {
  if ("connectionString" in connection) return new ServiceBusClient(connection.connectionString, options);
  return new ServiceBusClient(
    connection.fullyQualifiedNamespace,
    connection.credential ?? new DefaultAzureCredential(),
    options,
  );
}

// The "state" container: the small facts HayMaker's services must share across replicas and job executions
// (the monitor's, provision's and report's ledgers, the gateway's API keys, replay operations and rate
// limits). A Container Apps job execution has no disk that outlives it, so in Azure these live here, in the
// same account and database as the projections. Its settings are declared once, below, for the code that
// creates it (infra/bicep declares no Cosmos DB account yet; a template for it should read them from here).
import { type Container, type ContainerDefinition, PartitionKeyDefinitionVersion } from "@azure/cosmos";
import { cosmosClientFor } from "./cosmos-client.ts";
import type { CosmosConfig } from "./cosmos-config.ts";
import { cosmosStatus, retryWhileRaced } from "./state-documents.ts";

/**
 * The state container's settings. TTL is on without a default (`defaultTtl: -1`): a document that carries
 * `ttl` (seconds) expires that long after its last write, one without it is kept. Every path is indexed:
 * the documents are small and few, and the ledgers filter on their own fields. Partition key values are
 * hashed whole up to 2 KB (version 2, "large partition keys"): some owners key a partition by a long
 * reference, which version 1 would hash by its first 100 bytes only.
 */
export const STATE_CONTAINER = {
  id: "state",
  partitionKeyPath: "/pk",
  partitionKeyVersion: PartitionKeyDefinitionVersion.V2,
  defaultTtl: -1,
} as const;

export function stateContainerDefinition(): ContainerDefinition {
  return {
    id: STATE_CONTAINER.id,
    partitionKey: { paths: [STATE_CONTAINER.partitionKeyPath], version: STATE_CONTAINER.partitionKeyVersion },
    defaultTtl: STATE_CONTAINER.defaultTtl,
    indexingPolicy: { indexingMode: "consistent", automatic: true, includedPaths: [{ path: "/*" }] },
  };
}

/**
 * Opens the state container of the configured database, creating the database and the container when
 * missing. An existing container partitioned otherwise is refused; one without TTL on gets it (or, for an
 * identity that may not change container settings, an error saying what to change). Close it with
 * `container.database.client.dispose()`.
 */
export async function openStateContainer(config: CosmosConfig): Promise<Container> {
  const client = cosmosClientFor(config);
  try {
    // createIfNotExists reads, then creates: two executions starting together on a fresh account both find
    // nothing and one create answers 409. Reading again then finds what the other made.
    const { database } = await retryWhileRaced(
      () => client.databases.createIfNotExists({ id: config.database }),
      [409],
    ).catch((error: unknown) => {
      throw mayNotCreate(error, `database "${config.database}"`, databaseCreateCommand(config.database));
    });
    const wanted = stateContainerDefinition();
    const { container, resource } = await retryWhileRaced(
      () => database.containers.createIfNotExists(wanted),
      [409],
    ).catch((error: unknown) => {
      throw mayNotCreate(
        error,
        `container "${STATE_CONTAINER.id}" in database "${config.database}"`,
        containerCreateCommand(config.database),
      );
    });
    const paths = resource?.partitionKey?.paths ?? [];
    if (paths.length !== 1 || paths[0] !== STATE_CONTAINER.partitionKeyPath) {
      throw new Error(
        `the Cosmos DB container "${STATE_CONTAINER.id}" in database "${config.database}" is partitioned by ${paths.join(", ") || "nothing"}, not ${STATE_CONTAINER.partitionKeyPath}; delete it so that HayMaker creates it again, or use another database`,
      );
    }
    if (resource?.defaultTtl !== STATE_CONTAINER.defaultTtl) {
      try {
        await container.replace({ ...wanted, partitionKey: resource?.partitionKey ?? wanted.partitionKey });
      } catch (error) {
        // Microsoft Entra identities with the data-plane roles may read a container's settings, not change them.
        if ((error as { code?: unknown }).code !== 403) throw error;
        throw new Error(
          `the Cosmos DB container "${STATE_CONTAINER.id}" needs TTL on without a default (defaultTtl -1), and this identity may not change its settings; set it (az cosmosdb sql container update --ttl -1) or start once with the account key`,
        );
      }
    }
    return container;
  } catch (error) {
    client.dispose();
    throw error;
  }
}

/**
 * createIfNotExists reads, then creates what is missing. A Microsoft Entra identity with a data-plane role
 * (Cosmos DB Built-in Data Contributor) may read a database's and a container's settings but not create
 * them: Cosmos DB answers that create 403. Said so, with what to run, instead of the bare refusal.
 */
function mayNotCreate(error: unknown, what: string, command: string): unknown {
  if (cosmosStatus(error) !== 403) return error;
  return new Error(
    `the Cosmos DB ${what} does not exist, and this identity may not create it (Microsoft Entra data-plane roles cannot create databases or containers); create it (${command}) or start once with the account key`,
  );
}

function databaseCreateCommand(database: string): string {
  return `az cosmosdb sql database create --account-name <account> --resource-group <group> --name ${database}`;
}

function containerCreateCommand(database: string): string {
  return `az cosmosdb sql container create --account-name <account> --resource-group <group> --database-name ${database} --name ${STATE_CONTAINER.id} --partition-key-path ${STATE_CONTAINER.partitionKeyPath} --partition-key-version ${STATE_CONTAINER.partitionKeyVersion} --ttl ${STATE_CONTAINER.defaultTtl}`;
}

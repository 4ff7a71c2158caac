// The one container the projections live in, and how it is created or brought up to date at start-up.
import type { Container, ContainerDefinition, Database, IndexingPolicy } from "@azure/cosmos";
import { retryWhileRaced } from "./state-documents.ts";

export const DEFAULT_CONTAINER = "projections";
export const PARTITION_KEY_PATH = "/runId";

/**
 * Cosmos DB serves an ORDER BY on several fields only from a composite index with those fields in that
 * order and direction (the emulator insists on the exact direction too), so each list's order has one.
 */
export const COMPOSITE_INDEXES: NonNullable<IndexingPolicy["compositeIndexes"]> = [
  // Runs, newest first.
  [
    { path: "/sortAt", order: "descending" },
    { path: "/runId", order: "descending" },
  ],
  // Agents and identities, by run then agent.
  [
    { path: "/runId", order: "ascending" },
    { path: "/agentId", order: "ascending" },
  ],
  // Resources, by run, agent, then lowercased ARM id.
  [
    { path: "/runId", order: "ascending" },
    { path: "/agentId", order: "ascending" },
    { path: "/resourceKey", order: "ascending" },
  ],
  // An agent's log in the order written, and its tail (newest first).
  [
    { path: "/at", order: "ascending" },
    { path: "/sequence", order: "ascending" },
  ],
  [
    { path: "/at", order: "descending" },
    { path: "/sequence", order: "descending" },
  ],
];

/**
 * The container's settings. TTL is on (`defaultTtl: -1`) without a default: documents that carry a `ttl`
 * (log lines, run events, processed-event ids) expire that many seconds after their last write, the
 * projections themselves never do. The records under `/record` are read, never filtered on: not indexed,
 * which makes every write cheaper.
 */
export function containerDefinition(id: string): ContainerDefinition {
  return {
    id,
    partitionKey: { paths: [PARTITION_KEY_PATH] },
    defaultTtl: -1,
    indexingPolicy: {
      indexingMode: "consistent",
      automatic: true,
      includedPaths: [{ path: "/*" }],
      excludedPaths: [{ path: "/record/*" }, { path: '/"_etag"/?' }],
      compositeIndexes: COMPOSITE_INDEXES,
    },
  };
}

/**
 * Creates the database and the container when missing. A container that exists already keeps its
 * throughput, but gets this version's TTL and composite indexes if it lacks them (both may change on a
 * live container); one with another partition key cannot be used, and is refused with what to do.
 */
export async function openContainer(database: Database, id: string): Promise<Container> {
  const wanted = containerDefinition(id);
  // Of several openers racing on a fresh database, all but one get 409 from the create and read again.
  const { container, resource } = await retryWhileRaced(
    () => database.containers.createIfNotExists(wanted),
    [409],
  );
  const paths = resource?.partitionKey?.paths ?? [];
  if (paths.length !== 1 || paths[0] !== PARTITION_KEY_PATH) {
    throw new Error(
      `the Cosmos DB container "${id}" is partitioned by ${paths.join(", ") || "nothing"}, not ${PARTITION_KEY_PATH}; delete it or name another container for the projections`,
    );
  }
  const compositeIndexes = resource?.indexingPolicy?.compositeIndexes ?? [];
  if (resource?.defaultTtl !== wanted.defaultTtl || !sameIndexes(compositeIndexes, COMPOSITE_INDEXES)) {
    try {
      await container.replace({ ...wanted, partitionKey: resource?.partitionKey ?? wanted.partitionKey });
    } catch (error) {
      // Microsoft Entra identities with the data-plane roles may read a container's settings, not change them.
      if ((error as { code?: unknown }).code !== 403) throw error;
      throw new Error(
        `the Cosmos DB container "${id}" needs TTL on (defaultTtl -1) and the composite indexes this HayMaker uses, and this identity may not change its settings; update the container as the projections README describes, or start once with the account key`,
      );
    }
  }
  return container;
}

function sameIndexes(
  actual: NonNullable<IndexingPolicy["compositeIndexes"]>,
  wanted: NonNullable<IndexingPolicy["compositeIndexes"]>,
): boolean {
  const key = (indexes: NonNullable<IndexingPolicy["compositeIndexes"]>) =>
    JSON.stringify(indexes.map((index) => index.map(({ path, order }) => [path, order ?? "ascending"])));
  return key(actual) === key(wanted);
}

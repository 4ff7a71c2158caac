// The test gateway as a process of its own, on a real HTTP server, for the fuzz test: its memory is then
// the gateway's alone. Started with --expose-gc by fuzz.test.ts, which talks to it over the IPC channel:
// "ready" carries the port, keys and ids; "measure" answers with the memory left after a full collection,
// the connections still open and the errors the gateway logged; "stop" ends it.
import { createBusClient } from "@haymaker/bus";
import { loadScenarioCatalogue } from "@haymaker/contracts";
import { DeadLetterQueues, ReplayOperations, TOPOLOGY_ENTITIES } from "@haymaker/dead-letters";
import { runStory, storyResources } from "@haymaker/projections/testing";
import { serveGateway } from "../serve.ts";
import type { KnownIds } from "./hostile-requests.ts";
import { SCENARIOS, testGateway } from "./test-gateway.ts";

export type FuzzMessage =
  | { type: "ready"; port: number; ids: KnownIds }
  | {
      type: "memory";
      heapUsed: number;
      heapTotal: number;
      external: number;
      rss: number;
      connections: number;
      errors: string[];
    };

const send = (message: FuzzMessage) => process.send?.(message);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("start this process with --expose-gc");

const busConnection = process.env.FUZZ_BUS_CONNECTION_STRING;
if (busConnection === undefined) throw new Error("FUZZ_BUS_CONNECTION_STRING names the broker to use");
const client = createBusClient({ connectionString: busConnection });
// The dead-letter routes run against the real broker, over one topic's subscriptions: a listing peeks every
// queue it covers one after another, and the whole topology would make those few routes most of the run.
const queues = new DeadLetterQueues(
  client,
  TOPOLOGY_ENTITIES.filter((entity) => entity.topic === "agent-selected"),
);
const operations = ReplayOperations.inMemory(queues);

// Read once, as main.ts keeps it, rather than from disk on every request.
const catalogue = loadScenarioCatalogue(SCENARIOS);
const g = await testGateway({
  catalogue: () => catalogue,
  deadLetters: { queues, operations, editEnabled: true },
  // Writes are parsed rather than refused by their budget; executes keep theirs, so runs stay few.
  writeLimitPerMinute: 100_000,
  streams: { pollMs: 50, heartbeatMs: 1_000 },
});
const runId = "run-20261124-060000-f022";
const finished = runStory({
  runId,
  requestedAt: "2026-11-24T06:00:00Z",
  agents: [{ scenarioId: "nsg-rule-tuning" }, { scenarioId: "vm-start-stop" }],
});
for (const event of finished) await g.projections.apply(event);

const server = serveGateway(g.app, {
  port: 0,
  hostname: "127.0.0.1",
  log: (error) => g.errors.push(error),
});
server.once("listening", () => {
  const { port } = server.address() as { port: number };
  send({
    type: "ready",
    port,
    ids: {
      keys: g.key,
      runId,
      agentId: "a01",
      armId: storyResources(runId, "a01").storage,
      scenarioId: "nsg-rule-tuning",
    },
  });
});

process.on("message", (message: string) => {
  if (message === "measure") {
    gc();
    gc();
    server.getConnections((_, connections) => {
      const { heapUsed, heapTotal, external, rss } = process.memoryUsage();
      const errors = g.errors.map((error) =>
        error instanceof Error ? (error.stack ?? error.message) : String(error),
      );
      send({ type: "memory", heapUsed, heapTotal, external, rss, connections, errors });
    });
  }
  if (message === "stop") {
    server.closeAllConnections();
    server.close();
    void operations
      .close()
      .then(() => client.close())
      .finally(() => process.exit(0));
  }
});
process.on("disconnect", () => process.exit(0));

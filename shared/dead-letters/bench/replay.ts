// npm run bench:replay [-- --messages N --broker both|durable|in-memory]
// Dead-letter replay throughput on the embedded broker with HayMaker's topology, the broker running as its
// own process, durable (SQLite) and in memory. Per broker it dead-letters N agent.selected events on
// agent-selected/provision (not timed), times list() and grouping them, then times a replay operation
// (ReplayOperations.start → idle) and, after a fresh fill, DeadLetterQueues.replay on its own with each SDK
// call timed, checking after each that every event arrived on provision exactly once with replay count 1
// and that nothing was left behind. Prints a table and writes bench/results/replay.json; the aim is stated,
// never enforced.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ServiceBusClient } from "@azure/service-bus";
import { machineFacts } from "@haymaker/testing";
import { type DeadLetter, DeadLetterQueues, ReplayOperations, TOPOLOGY_ENTITIES } from "../src/index.ts";
import { type BrokerMode, type BrokerProcess, startBrokerProcess } from "./broker-process.ts";
import { fillDeadLetters, PROVISION, selectedEvents } from "./dead-letter-fill.ts";
import { checkReplay } from "./replay-check.ts";
import {
  AIM_MESSAGES_PER_SECOND,
  aimsFor,
  type BrokerResult,
  breakdown,
  type Cpu,
  table,
} from "./results.ts";
import { SdkTimings, timedClient } from "./sdk-timings.ts";

const RESULTS = fileURLToPath(new URL("../../../bench/results/replay.json", import.meta.url));
/** A short unmeasured round first, so JIT, connections and buffers are warm in both processes. */
const WARM_UP_MESSAGES = 500;

function settingsFromArguments() {
  const fail = (message: string): never => {
    process.stderr.write(`bench:replay: ${message}\n`);
    process.exit(2);
  };
  let values: { messages?: string; broker?: string };
  try {
    values = parseArgs({
      options: {
        messages: { type: "string", default: "10000" },
        broker: { type: "string", default: "both" },
      },
    }).values;
  } catch (error) {
    return fail(
      `${(error as Error).message}; the options are --messages N and --broker both|durable|in-memory.`,
    );
  }
  const text = String(values.messages);
  const messages = Number(text);
  if (!/^\d+$/.test(text) || messages < 1 || messages > 1_000_000)
    fail(`--messages must be a whole number from 1 to 1000000, got '${text}'.`);
  const brokers: Record<string, BrokerMode[]> = {
    both: ["durable", "in-memory"],
    durable: ["durable"],
    "in-memory": ["in-memory"],
  };
  const modes = brokers[String(values.broker)];
  if (modes === undefined)
    return fail(`--broker must be both, durable or in-memory, got '${values.broker}'.`);
  return { messages, modes };
}

/** Failure groups of the letters, as the gateway's groups route folds them: count, first and last seen. */
function groupsOf(letters: readonly DeadLetter[]) {
  const groups = new Map<string, { count: number; firstSeen: string; lastSeen: string }>();
  for (const letter of letters) {
    const group = groups.get(letter.group) ?? {
      count: 0,
      firstSeen: letter.enqueuedAt,
      lastSeen: letter.enqueuedAt,
    };
    group.count += 1;
    if (letter.enqueuedAt < group.firstSeen) group.firstSeen = letter.enqueuedAt;
    if (letter.enqueuedAt > group.lastSeen) group.lastSeen = letter.enqueuedAt;
    groups.set(letter.group, group);
  }
  return [...groups].sort(([, a], [, b]) => b.count - a.count);
}

/** Wall time and CPU of both processes over `work`. */
async function measured<T>(broker: BrokerProcess, work: () => Promise<T>) {
  const brokerCpuAtStart = broker.cpuSeconds();
  const clientCpuAtStart = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const client = process.cpuUsage(clientCpuAtStart);
  const brokerCpu = broker.cpuSeconds();
  const percent = (cpuSeconds: number) => Math.round((100 * cpuSeconds) / Math.max(seconds, 0.001));
  const cpu: Cpu = {
    clientPercent: percent((client.user + client.system) / 1e6),
    brokerPercent:
      brokerCpu === undefined || brokerCpuAtStart === undefined
        ? null
        : percent(brokerCpu - brokerCpuAtStart),
  };
  return { result, seconds: Number(seconds.toFixed(3)), cpu };
}

const perSecond = (count: number, seconds: number) => Math.round(count / Math.max(seconds, 0.001));

async function runOn(mode: BrokerMode, messages: number, directory: string): Promise<BrokerResult> {
  const brokerDirectory = join(directory, mode);
  mkdirSync(brokerDirectory, { recursive: true });
  const broker = await startBrokerProcess(mode, brokerDirectory);
  const client = new ServiceBusClient(broker.connectionString);
  const queues = new DeadLetterQueues(client, TOPOLOGY_ENTITIES);
  const operations = ReplayOperations.open(join(brokerDirectory, "operations"), queues);
  try {
    const say = (text: string) => process.stdout.write(`${mode}: ${text}\n`);
    say(`broker started; warming up with ${WARM_UP_MESSAGES} dead letters…`);
    const warmUp = await fillDeadLetters(client, selectedEvents(WARM_UP_MESSAGES, `warm-${mode}`));
    await queues.replay({ subscription: PROVISION.subscription }, undefined);
    const warmCheck = await checkReplay(client, queues, warmUp);
    if (warmCheck.problems.length > 0)
      throw new Error(`the warm-up replay was not exact: ${warmCheck.problems.join("; ")}`);

    say(`dead-lettering ${messages} agent.selected events on ${PROVISION.topic}/${PROVISION.subscription}…`);
    const fillStarted = performance.now();
    const firstIds = await fillDeadLetters(client, selectedEvents(messages, `bench-op-${mode}`));
    const fillSeconds = Number(((performance.now() - fillStarted) / 1000).toFixed(3));

    const listing = await measured(broker, () => queues.list());
    const grouping = await measured(broker, async () => groupsOf(await queues.list()));
    const [group, largest] = grouping.result[0] ?? [];
    if (group === undefined || largest === undefined || listing.result.length !== messages)
      throw new Error(`listed ${listing.result.length} dead letters where ${messages} were put in the queue`);
    say(
      `listed ${listing.result.length} in ${listing.seconds} s; ${grouping.result.length} failure group(s)`,
    );

    say(`replay operation on group ${group}…`);
    let startAnsweredSeconds = 0;
    const operation = await measured(broker, async () => {
      const started = performance.now();
      const running = await operations.start({
        kind: "replay",
        selection: { group },
        requestedBy: "bench:replay",
        name: "bench",
      });
      startAnsweredSeconds = Number(((performance.now() - started) / 1000).toFixed(3));
      await operations.idle();
      return (await operations.get(running.id)) ?? running;
    });
    const operationCheck = await checkReplay(client, queues, firstIds);

    say(`refilling, then DeadLetterQueues.replay with every SDK call timed…`);
    const secondIds = await fillDeadLetters(client, selectedEvents(messages, `bench-direct-${mode}`));
    const timings = new SdkTimings();
    const timedQueues = new DeadLetterQueues(timedClient(client, timings), TOPOLOGY_ENTITIES);
    const direct = await measured(broker, () => timedQueues.replay({ group }, undefined));
    const directCheck = await checkReplay(client, queues, secondIds);
    const sdkWallMs = Number(timings.wallMsOfAll().toFixed(1));

    return {
      broker: mode,
      fillSeconds,
      list: {
        seconds: listing.seconds,
        lettersPerSecond: perSecond(listing.result.length, listing.seconds),
        listed: listing.result.length,
      },
      grouping: { seconds: grouping.seconds, groups: grouping.result.length, largestGroup: largest.count },
      operation: {
        seconds: operation.seconds,
        messagesPerSecond: perSecond(operation.result.replayed, operation.seconds),
        startAnsweredSeconds,
        status: operation.result.status,
        replayed: operation.result.replayed,
        failed: operation.result.failed,
        errors: operation.result.errors,
        check: operationCheck,
        cpu: operation.cpu,
      },
      direct: {
        seconds: direct.seconds,
        messagesPerSecond: perSecond(direct.result.done, direct.seconds),
        replayed: direct.result.done,
        failed: direct.result.failed,
        errors: direct.result.errors,
        check: directCheck,
        cpu: direct.cpu,
        sdkCalls: timings.figures(),
        sdkWallMs,
        ownWorkMs: Number(Math.max(0, direct.seconds * 1000 - sdkWallMs).toFixed(1)),
        links: timings.links,
      },
    };
  } finally {
    await operations.close();
    await client.close();
    await broker.stop();
  }
}

async function main(): Promise<void> {
  const settings = settingsFromArguments();
  // Other work on the machine skews the figures; this says how busy it was when the run began.
  const machine = machineFacts();
  const directory = mkdtempSync(join(tmpdir(), "haymaker-bench-replay-"));
  try {
    const results: BrokerResult[] = [];
    for (const mode of settings.modes) results.push(await runOn(mode, settings.messages, directory));
    const aims = aimsFor(results);
    const output = {
      benchmark: "replay",
      at: new Date().toISOString(),
      machine,
      settings: {
        messages: settings.messages,
        warmUpMessages: WARM_UP_MESSAGES,
        brokers: settings.modes,
        broker:
          "the embedded broker as its own process, HayMaker's topology; durable = SQLite in a temporary directory",
        deadLetterQueue: `${PROVISION.topic}/${PROVISION.subscription}`,
        deadLetters:
          "agent.selected events published with the bus library, dead-lettered on provision as UnknownScenario",
        selection: "one failure group (every dead letter)",
        operationsStore: "ReplayOperations.open: its SQLite file in a temporary directory",
      },
      aim: { messagesPerSecond: AIM_MESSAGES_PER_SECOND, on: "the replay operation, start until idle" },
      results,
      aims,
      allAimsMet: aims.every((a) => a.met),
    };
    mkdirSync(join(RESULTS, ".."), { recursive: true });
    writeFileSync(RESULTS, `${JSON.stringify(output, null, 2)}\n`);

    process.stdout.write(`\n${table(results, aims)}\n`);
    for (const result of results) {
      process.stdout.write(
        `${result.broker}: the operation's start() answered after ${result.operation.startAnsweredSeconds} s ` +
          `(it counts the selection with a full list() first)\n`,
      );
    }
    for (const result of results) process.stdout.write(`\n${breakdown(result)}\n`);
    process.stdout.write("\nwritten to bench/results/replay.json\n");
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();

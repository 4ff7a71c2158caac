// Crashes, not faults: a run of eight agents on make run's stack while its phase services are SIGKILLed at
// random — mid-handler, between an effect and its publish, between a publish and its complete. The bus
// redelivers what a dead service held once its lock lapses (PT1M, PT5M for provision, deploy and
// force-cleanup, as in Azure), the stack restarts the service, and the handlers' idempotency must do the
// rest: the run completes, every agent got exactly one Entra application, and nothing is left — checked
// only once the bus has nothing left to deliver, so a late redelivery cannot slip past the assertions.
// The kills follow a seed, printed on every run; HAYMAKER_CHAOS_SEED=<n> repeats its random choices (which
// service, how long between kills; the timing of the work they land in still varies).
import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ServiceBusClient } from "@azure/service-bus";
import { EventPublisher } from "@haymaker/bus";
import { topology } from "@haymaker/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_SERVICES } from "../src/services.ts";
import {
  type ExecutionView,
  execute,
  type Stack,
  sandboxLook,
  servicePids,
  startStack,
  untilReported,
  validatedRun,
} from "./stack.ts";

// Quick scenarios, one agent each; every agent works for 30 s, long enough for the kills to land in every
// phase: provisioning, deploying, monitoring and cleanup.
const SCENARIOS = [
  "nsg-rule-tuning",
  "public-ip-dns-label",
  "container-instance-restart",
  "acr-webhook-toggle",
  "log-analytics-retention",
  "storage-file-share-quota",
  "servicebus-queue-management",
  "eventgrid-domain-topics",
];
const DURATION = "PT30S";
// The gateway stays up: it is how the test reads the run.
const PHASES = LOCAL_SERVICES.map((service) => service.name).filter((name) => name !== "gateway");
const MIN_KILLS = 10;
// Enough to cover a normal run's lifetime; a run stalled on a lapsing lock does not need more.
const MAX_KILLS = 20;
const KILL_EVERY_MS = { min: 1_500, max: 3_500 };
// A message a killed service held comes back when its lock lapses (at most PT5M), maybe more than once.
const REPORT_TIMEOUT_MS = 9 * 60_000;
const IDLE_TIMEOUT_MS = 7 * 60_000;

const seed = chaosSeed(process.env.HAYMAKER_CHAOS_SEED);

function chaosSeed(text: string | undefined): number {
  if (text === undefined) return Math.floor(Math.random() * 2 ** 31);
  if (!/^\d+$/.test(text))
    throw new Error(`HAYMAKER_CHAOS_SEED must be a whole number (the seed a run printed), got "${text}"`);
  return Number(text);
}

/** Uniform numbers in [0, 1) from the seed, the n-th from SHA-256 of "<seed>:<n>": replayable. */
function randomFrom(start: number): () => number {
  let n = 0;
  return () => createHash("sha256").update(`${start}:${n++}`).digest().readUInt32LE(0) / 2 ** 32;
}

interface Kill {
  service: string;
  atMs: number;
}

/** SIGKILLs a random running phase service every few seconds until `done` says stop or MAX_KILLS. */
async function killAtRandom(stack: Stack, done: () => boolean, startedAt: number): Promise<Kill[]> {
  const random = randomFrom(seed);
  const kills: Kill[] = [];
  while (!done() && kills.length < MAX_KILLS) {
    const pause = KILL_EVERY_MS.min + random() * (KILL_EVERY_MS.max - KILL_EVERY_MS.min);
    await new Promise((resolve) => setTimeout(resolve, pause));
    if (done()) break;
    // A service still waiting out its restart backoff is not there to kill: pick among the running ones.
    const running = servicePids(stack);
    const candidates = PHASES.filter((name) => running.has(name));
    const service = candidates[Math.floor(random() * candidates.length)];
    if (service === undefined) continue;
    try {
      process.kill(running.get(service) as number, "SIGKILL");
      kills.push({ service, atMs: Date.now() - startedAt });
    } catch (error) {
      // It died on its own in between; the next round picks again.
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
  }
  return kills;
}

/** Waits until no subscription holds a message: nothing locked, waiting, scheduled or about to return. */
async function untilBusIdle(stack: Stack, timeoutMs: number): Promise<void> {
  const client = new ServiceBusClient(stack.local.broker.connectionString);
  try {
    const deadline = Date.now() + timeoutMs;
    let quietPasses = 0;
    for (;;) {
      const busy: string[] = [];
      for (const topic of topology.topics) {
        for (const subscription of topic.subscriptions) {
          const receiver = client.createReceiver(topic.name, subscription.name);
          const waiting = await receiver.peekMessages(1);
          await receiver.close();
          if (waiting.length > 0) busy.push(`${topic.name}/${subscription.name}`);
        }
      }
      // An event moves on only once its successors are published, so one empty pass is a true answer;
      // a second one rules out a scan racing a message that was being scheduled.
      quietPasses = busy.length === 0 ? quietPasses + 1 : 0;
      if (quietPasses === 2) return;
      if (Date.now() > deadline) throw new Error(`the bus still holds messages on ${busy.join(", ")}`);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  } finally {
    await client.close();
  }
}

/**
 * What must hold once the bus is idle: every agent cleaned, exactly one application and one service
 * principal ever created for each (by the directory's audit), and nothing of the run left anywhere.
 */
async function expectOnceAndNothingLeft(stack: Stack, view: ExecutionView) {
  const { runId } = view.execution;
  expect(view.execution.status).toBe("completed");
  expect(view.execution.summary).toMatchObject({ agents: view.agents.length, leftovers: 0 });
  expect(view.agents.map((agent) => agent.stage)).toEqual(view.agents.map(() => "cleaned"));

  const look = sandboxLook(stack);
  const audits = await look.directoryAudits(runId);
  const created = (activity: string) =>
    audits
      .filter((entry) => entry.activityDisplayName === activity && entry.result === "success")
      .map((entry) => (entry.targetResources as { displayName: string }[])[0]?.displayName)
      .sort();
  const names = view.agents.map((agent) => `haymaker-${runId}-${agent.agentId}`).sort();
  expect(created("Add application")).toEqual(names);
  expect(created("Add service principal")).toEqual(names);

  expect(await look.applications(runId)).toEqual([]);
  expect(await look.tagged(runId)).toEqual([]);
  const secrets = readdirSync(join(stack.dataDirectory, "secrets")).filter((name) => name.includes(runId));
  expect(secrets).toEqual([]);
  for (const agent of view.report?.agents ?? []) {
    expect(agent.identity.deleted).toBe(true);
    expect(agent.resources.left).toEqual([]);
  }
  const deadLetters = (await (await stack.api("/api/dead-letters/groups")).json()) as { items: unknown[] };
  expect(deadLetters.items).toEqual([]);
}

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 120_000);
afterAll(async () => {
  expect(await stack?.stop()).toBe(0);
});

describe("exactly once under crashes", () => {
  it("creates nothing for a repeat of a run's selection that arrives after the run was cleaned up and reported", async () => {
    // What the bus does when select (or validate) died after publishing and before completing: once the
    // lock lapses the same run.validated comes again, by then after every agent's cleanup.
    const runId = `run-repeat-${Date.now().toString(36)}`;
    const validated = validatedRun(runId, ["public-ip-dns-label"], "PT5S");
    const client = new ServiceBusClient(stack.local.broker.connectionString);
    const publisher = new EventPublisher(client);
    try {
      await publisher.publish(validated);
      const view = await untilReported(stack, runId, 120_000);
      await publisher.publish(validated);
      await untilBusIdle(stack, 60_000);
      await expectOnceAndNothingLeft(stack, view);
    } finally {
      await publisher.close();
      await client.close();
    }
  }, 180_000);

  it(
    `completes a run of ${SCENARIOS.length} agents while phase services are killed at random, one Entra application each`,
    async () => {
      process.stdout.write(`chaos seed ${seed} (replay with HAYMAKER_CHAOS_SEED=${seed})\n`);
      const startedAt = Date.now();
      const runId = await execute(stack, { scenarios: SCENARIOS, duration: DURATION });
      let reported = false;
      const killing = killAtRandom(stack, () => reported, startedAt);
      const view = await untilReported(stack, runId, REPORT_TIMEOUT_MS).finally(() => {
        reported = true;
      });
      const kills = await killing;
      process.stdout.write(
        `run ${runId} reported after ${Math.round((Date.now() - startedAt) / 1000)} s; ${kills.length} kills: ${kills
          .map((kill) => `${kill.service}@${(kill.atMs / 1000).toFixed(1)}s`)
          .join(", ")}\n`,
      );
      // Whatever a dead service held comes back only now and then: judge once nothing is left to deliver.
      await untilBusIdle(stack, IDLE_TIMEOUT_MS);

      expect(kills.length).toBeGreaterThanOrEqual(MIN_KILLS);
      expect(view.agents).toHaveLength(SCENARIOS.length);
      await expectOnceAndNothingLeft(stack, view);
    },
    20 * 60_000,
  );
});

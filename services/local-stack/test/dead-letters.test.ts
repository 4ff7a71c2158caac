// Dead letters on `make run`'s stack, through the gateway: a malformed event on every topic lands in every
// subscription's dead-letter queue as InvalidEvent on its first delivery; a run naming a scenario the
// catalogue lacks dead-letters as UnknownScenario; once the scenario is added, a replay — even one that
// crashes between resending and completing — gets the run through to its report, once, with nothing left.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ServiceBusClient } from "@azure/service-bus";
import { EventPublisher } from "@haymaker/bus";
import { topology } from "@haymaker/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, sandboxLook, startStack, untilReported, validatedRun } from "./stack.ts";

const SCENARIOS = fileURLToPath(new URL("../../../scenarios", import.meta.url));
const CRASHING_REPLAY = fileURLToPath(new URL("./fixtures/replay-then-crash.ts", import.meta.url));
const SUBSCRIPTIONS = topology.topics
  .flatMap((t) => t.subscriptions.map((s) => `${t.name}/${s.name}`))
  .sort();

interface Group {
  group: string;
  topic: string;
  subscription: string;
  reason: string;
  count: number;
}

let stack: Stack;
let client: ServiceBusClient;
let scenarios: string;
beforeAll(async () => {
  scenarios = mkdtempSync(join(tmpdir(), "haymaker-scenarios-"));
  cpSync(SCENARIOS, scenarios, { recursive: true });
  stack = await startStack({ HAYMAKER_SCENARIOS_DIR: scenarios });
  client = new ServiceBusClient(stack.local.broker.connectionString);
}, 120_000);
afterAll(async () => {
  await client?.close();
  expect(await stack?.stop()).toBe(0);
  expect(stack.output()).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
});

async function groups(query = ""): Promise<Group[]> {
  const response = await stack.api(`/api/dead-letters/groups${query}`);
  if (!response.ok) throw new Error(`groups answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { items: Group[] }).items;
}

async function until<T>(
  what: string,
  look: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  let last: T = await look();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`${what}: gave up; last saw ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    last = await look();
  }
  return last;
}

describe("dead letters on make run's stack", () => {
  it("puts a malformed event on every topic into every subscription's dead-letter queue as InvalidEvent, first delivery", async () => {
    // One per subscription, typed as its first event type so its filter lets it through.
    for (const topic of topology.topics) {
      const sender = client.createSender(topic.name);
      for (const subscription of topic.subscriptions) {
        const id = `malformed-${topic.name}-${subscription.name}`;
        await sender.sendMessages({
          body: Buffer.from("{not json"),
          contentType: "application/json",
          messageId: id,
          applicationProperties: { cloudEvents_type: subscription.eventTypes[0] ?? "", cloudEvents_id: id },
        });
      }
      await sender.close();
    }
    const invalid = await until(
      "every subscription dead-letters its copy",
      () => groups("?reason=InvalidEvent"),
      (found) => found.length === SUBSCRIPTIONS.length,
    );
    expect(invalid.map((g) => `${g.topic}/${g.subscription}`).sort()).toEqual(SUBSCRIPTIONS);
    const letters = (await (await stack.api("/api/dead-letters?reason=InvalidEvent&limit=500")).json()) as {
      items: { deliveryCount: number; description: string }[];
    };
    expect(letters.items.length).toBeGreaterThanOrEqual(SUBSCRIPTIONS.length);
    for (const letter of letters.items) {
      expect(letter.deliveryCount).toBeLessThanOrEqual(1);
      expect(letter.description).not.toBe("");
    }
    // Purged again, so the next test sees only its own.
    const purge = await stack.api("/api/dead-letters", {
      method: "DELETE",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ filter: { reason: "InvalidEvent" } }),
    });
    expect(purge.status).toBe(202);
    await until(
      "the purge",
      () => groups(),
      (found) => found.length === 0,
    );
  }, 120_000);

  it("dead-letters an unknown scenario, and after it is added a replay that crashed half way and a replay after it finish the run once", async () => {
    const runId = `run-late-${Date.now().toString(36)}`;
    const publisher = new EventPublisher(client);
    // Long enough that the replay after the crash arrives while the agent still works.
    await publisher.publish(validatedRun(runId, ["late-scenario"], "PT90S"));
    await publisher.close();
    const [unknown] = await until(
      "select dead-letters the run",
      () => groups("?reason=UnknownScenario"),
      (found) => found.length === 1,
    );
    expect(unknown).toMatchObject({ topic: "run-validated", subscription: "select", count: 1 });

    // The operator adds the scenario.
    const original = readFileSync(join(scenarios, "public-ip-dns-label.yaml"), "utf8");
    writeFileSync(
      join(scenarios, "late-scenario.yaml"),
      original.replace(/^id: public-ip-dns-label$/m, "id: late-scenario"),
    );
    // select reads its catalogue again for a missing scenario at most every 5 s.
    await new Promise((resolve) => setTimeout(resolve, 5_500));

    // A replay that dies between resending and completing: the event went out, the dead letter stays.
    const crashed = spawnSync(
      process.execPath,
      [CRASHING_REPLAY, stack.local.broker.connectionString, unknown?.group ?? ""],
      {
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(crashed.signal).toBe("SIGKILL");
    expect(crashed.stdout).toContain("sent");
    const [stillThere] = await groups("?reason=UnknownScenario");
    expect(stillThere?.count).toBe(1);

    // The operator replays the group again, through the gateway. The crashed replay's lock on the dead
    // letter lasts the subscription's lock duration, so until then the replay finds nothing to take.
    const replayOnce = async () => {
      const replay = await stack.api("/api/dead-letters/replay", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ group: unknown?.group, name: "late scenario added" }),
      });
      expect(replay.status).toBe(202);
      const { operation } = (await replay.json()) as { operation: { id: string } };
      return until(
        "the replay",
        async () =>
          (await (await stack.api(`/api/replays/${operation.id}`)).json()) as {
            status: string;
            replayed: number;
            remaining: number;
            errors: string[];
          },
        (op) => op.status !== "running",
      );
    };
    let finished = await replayOnce();
    for (let tries = 0; finished.replayed === 0 && tries < 20; tries++) {
      expect(finished.remaining).toBe(1);
      expect(finished.errors.join(" ")).toMatch(/not found/);
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      finished = await replayOnce();
    }
    expect(finished).toMatchObject({ status: "completed", replayed: 1, remaining: 0 });
    expect(await groups()).toEqual([]);

    // The event arrived twice; in effect it was handled once: one identity, one agent, nothing left.
    const view = await untilReported(stack, runId, 180_000);
    expect(view.execution.summary).toMatchObject({ agents: 1, leftovers: 0 });
    expect(view.agents.map((a) => a.scenarioId)).toEqual(["late-scenario"]);
    const look = sandboxLook(stack);
    const audits = await look.directoryAudits(runId);
    expect(audits.filter((a) => a.activityDisplayName === "Add application")).toHaveLength(1);
    const agents = readdirSync(join(stack.dataDirectory, "agents")).filter(
      (f) => f.includes(runId) && f.endsWith(".json"),
    );
    expect(agents).toEqual([`haymaker-${runId}-a01.json`]);
    expect(await look.tagged(runId)).toEqual([]);
    expect(await look.applications(runId)).toEqual([]);
  }, 360_000);
});

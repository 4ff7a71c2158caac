// runPhase on the embedded broker with HayMaker's own topology: resident and job execution.
import { ServiceBusClient } from "@azure/service-bus";
import { parseConfig, type RunningBroker, startBroker } from "@haymaker/broker";
import { ConfigError } from "@haymaker/config";
import { buildEmulatorConfig, type EventOf, toJsonFile, topology } from "@haymaker/contracts";
import { silentLogger } from "@haymaker/logging";
import Long from "long";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EventPublisher } from "../src/publisher.ts";
import { runModeFrom } from "../src/run-mode.ts";
import { type PhaseOptions, type RunningPhase, startPhase } from "../src/run-phase.ts";
import { runRequested, sleep } from "./bus-harness.ts";

describe("runModeFrom", () => {
  it("is resident without the flag or the variable", () => {
    expect(runModeFrom("validate", [], {})).toEqual({ kind: "resident" });
    expect(runModeFrom("validate", [], { HAYMAKER_UNTIL_IDLE: "" })).toEqual({ kind: "resident" });
  });

  it("takes --until-idle, in either form, before HAYMAKER_UNTIL_IDLE", () => {
    expect(runModeFrom("validate", ["--until-idle", "PT10S"], {})).toEqual({ kind: "job", idleMs: 10_000 });
    expect(runModeFrom("validate", ["--until-idle=PT1M30S"], { HAYMAKER_UNTIL_IDLE: "PT5S" })).toEqual({
      kind: "job",
      idleMs: 90_000,
    });
    expect(runModeFrom("validate", [], { HAYMAKER_UNTIL_IDLE: "PT0.5S" })).toEqual({
      kind: "job",
      idleMs: 500,
    });
    expect(runModeFrom("validate", [], { HAYMAKER_UNTIL_IDLE: "P1DT1H" })).toEqual({
      kind: "job",
      idleMs: 25 * 3_600_000,
    });
  });

  it.each(["10s", "PT", "P", "PT0S", "P1M", "P1W", "PTS", "10"])(
    "refuses %j, naming the variable",
    (value) => {
      const read = () => runModeFrom("validate", [], { HAYMAKER_UNTIL_IDLE: value });
      expect(read).toThrow(ConfigError);
      expect(read).toThrow(/HAYMAKER_UNTIL_IDLE: must be a positive ISO 8601 duration .* such as PT10S/);
    },
  );

  it("refuses a flag without a value, naming the flag", () => {
    expect(() => runModeFrom("validate", ["--until-idle"], {})).toThrow(
      /--until-idle: must be a positive ISO 8601/,
    );
    expect(() => runModeFrom("validate", ["--until-idle", "soon"], {})).toThrow(/--until-idle:/);
  });
});

describe("runPhase on the embedded broker", () => {
  let broker: RunningBroker;
  let client: ServiceBusClient;
  let publisher: EventPublisher;
  const phases: RunningPhase[] = [];

  beforeAll(async () => {
    broker = await startBroker({ topology: parseConfig(toJsonFile(buildEmulatorConfig(topology))), port: 0 });
    client = new ServiceBusClient(broker.connectionString);
    publisher = new EventPublisher(client);
  });
  afterEach(async () => {
    await Promise.all(phases.splice(0).map((phase) => phase.stop()));
    // Each test starts from an empty validate subscription and dead-letter queue.
    for (const subQueueType of [undefined, "deadLetter"] as const) {
      const receiver = client.createReceiver("run-requested", "validate", {
        subQueueType,
        receiveMode: "receiveAndDelete",
      });
      while ((await receiver.receiveMessages(100, { maxWaitTimeInMs: 200 })).length > 0);
      await receiver.close();
    }
  });
  afterAll(async () => {
    await publisher?.close();
    await client?.close();
    await broker?.close();
  });

  const start = (options: Partial<PhaseOptions<"validate">>): RunningPhase => {
    const phase = startPhase<"validate">({
      phase: "validate",
      config: { bus: { connectionString: broker.connectionString }, logLevel: "silent" },
      handlers: () => async () => undefined,
      handleSignals: false,
      retryBaseMs: 10,
      retryMaxMs: 20,
      logger: silentLogger,
      ...options,
    });
    phases.push(phase);
    return phase;
  };
  // Peek sees locked messages too: an empty peek means nothing is left, locked or not.
  const left = async (subQueueType?: "deadLetter") => {
    const receiver = client.createReceiver("run-requested", "validate", { subQueueType });
    const messages = await receiver.peekMessages(50, { fromSequenceNumber: Long.ZERO });
    await receiver.close();
    return messages;
  };
  const within = <T>(promise: Promise<T>, ms: number) =>
    Promise.race([promise, sleep(ms).then(() => Promise.reject(new Error(`not settled within ${ms} ms`)))]);

  it("resident: handles each event with the handler for its type, and stops cleanly", async () => {
    const seen: string[] = [];
    const phase = start({
      mode: { kind: "resident" },
      handlers: () => ({
        "run.requested": async (event: EventOf<"run.requested">) => {
          seen.push(event.data.runId);
        },
      }),
    });
    const events = [runRequested(), runRequested()];
    await publisher.publishAll(events);
    for (let i = 0; i < 100 && seen.length < 2; i++) await sleep(50);
    expect(seen.sort()).toEqual(events.map((e) => e.data.runId).sort());
    // Resident: still running well past any idle window.
    await sleep(300);
    let stopped = false;
    void phase.stopped.then(() => (stopped = true));
    await sleep(0);
    expect(stopped).toBe(false);
    await within(phase.stop(), 10_000);
    await within(phase.stopped, 1000);
    expect(await left()).toHaveLength(0);
  });

  it("job: handles what is queued, settles it all and stops after the idle window", async () => {
    const events = [runRequested(), runRequested(), runRequested()];
    await publisher.publishAll(events);
    const failing = events[2]?.data.runId;
    const seen: string[] = [];
    const startedAt = Date.now();
    const phase = start({
      mode: { kind: "job", idleMs: 500 },
      handlers: () => async (event) => {
        seen.push(event.data.runId);
        if (event.data.runId === failing) throw new Error("the cloud said no");
      },
    });
    await within(phase.stopped, 20_000);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(500);
    // Both good events once; the failing one on every delivery until the consumer dead-letters it.
    expect(seen.filter((id) => id !== failing).sort()).toEqual(
      events
        .slice(0, 2)
        .map((e) => e.data.runId)
        .sort(),
    );
    expect(seen.filter((id) => id === failing)).toHaveLength(5);
    expect(await left()).toHaveLength(0);
    const dead = await left("deadLetter");
    expect(dead.map((m) => [m.deadLetterReason, m.deadLetterErrorDescription])).toEqual([
      ["HandlerError", expect.stringContaining("the cloud said no")],
    ]);
  });

  it("job: a handler still running at the idle window finishes and completes its message before the stop", async () => {
    await publisher.publish(runRequested());
    let finished = false;
    const phase = start({
      mode: { kind: "job", idleMs: 200 },
      handlers: () => async () => {
        await sleep(1500);
        finished = true;
      },
    });
    await within(phase.stopped, 20_000);
    expect(finished).toBe(true);
    expect(await left()).toHaveLength(0);
    expect(await left("deadLetter")).toHaveLength(0);
  });

  it("job: with nothing queued, stops after the idle window", async () => {
    const startedAt = Date.now();
    const phase = start({ mode: { kind: "job", idleMs: 300 } });
    await within(phase.stopped, 10_000);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(300);
  });

  it("job: a message abandoned at the stop goes back to the subscription, not left locked", async () => {
    await publisher.publish(runRequested());
    let calls = 0;
    // A large backoff: the stop aborts it, and the message is abandoned at once.
    const phase = start({
      mode: { kind: "job", idleMs: 60_000 },
      retryBaseMs: 60_000,
      retryMaxMs: 60_000,
      handlers: () => async () => {
        calls++;
        throw new Error("transient");
      },
    });
    for (let i = 0; i < 100 && calls === 0; i++) await sleep(50);
    expect(calls).toBe(1);
    await within(phase.stop(), 10_000);
    // Unlocked: another receiver takes it at once, long before its one-minute lock would expire.
    const receiver = client.createReceiver("run-requested", "validate");
    const [again] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
    expect(again?.deliveryCount).toBe(1);
    if (again) await receiver.completeMessage(again);
    await receiver.close();
  });

  it("refuses a start without a handler for an event type the topology routes to the phase", () => {
    expect(() => start({ handlers: () => ({}) as never })).toThrow(
      "validate has no handler for run.requested, which the topology routes to it",
    );
  });
});

// The dead-letter routes over a real broker's dead-letter queues: list, groups, show, replay (dry run,
// operation, progress), purge, abort, edit-and-retry, and the counts in status and metrics; every answer
// checked against the OpenAPI document.
import type { ServiceBusClient } from "@azure/service-bus";
import { decodeEvent, newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA, type HayMakerEvent } from "@haymaker/contracts";
import { DeadLetterQueues, ReplayOperations, TOPOLOGY_ENTITIES } from "@haymaker/dead-letters";
import { deadLetterEvents } from "@haymaker/dead-letters/testing";
import { type HayMakerBus, startHayMakerBus } from "@haymaker/testing";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { errorOf, type TestGateway, testGateway } from "../testing/test-gateway.ts";
import { ROUTE_SPECS } from "./route-table.ts";

const selected = (runId: string, scenarioId = "retired-scenario"): EventOf<"agent.selected"> =>
  newEvent("agent.selected", {
    source: "/haymaker/select",
    data: { ...EXAMPLE_DATA["agent.selected"], runId, scenarioId },
  });

describe("the dead-letter routes", () => {
  let bus: HayMakerBus;
  let client: ServiceBusClient;
  let queues: DeadLetterQueues;
  let operations: ReplayOperations;
  let g: TestGateway;
  let validate: (operationId: string, status: number, body: unknown) => unknown;

  beforeAll(async () => {
    bus = await startHayMakerBus();
    client = bus.client;
    queues = new DeadLetterQueues(client, TOPOLOGY_ENTITIES);
    operations = ReplayOperations.inMemory(queues);
    g = await testGateway({ deadLetters: { queues, operations, editEnabled: true } });
    const document = (await (await g.request("GET", "/api/openapi.json")).json()) as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { schema?: object }> }> }>
      >;
    };
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    validate = (operationId, status, body) => {
      const spec = ROUTE_SPECS.find((s) => s.operationId === operationId);
      const schema =
        spec &&
        document.paths[spec.path]?.[spec.method]?.responses[String(status)]?.content?.["application/json"]
          ?.schema;
      if (schema === undefined) throw new Error(`${operationId} documents no ${status}`);
      const check = ajv.compile(schema);
      return check(body) ? [] : check.errors;
    };
  });
  afterAll(async () => {
    await operations.close();
    await bus.stop();
  });
  afterEach(async () => {
    await operations.idle();
    for (const subscription of ["provision", "projector"]) {
      for (const subQueueType of [undefined, "deadLetter"] as const) {
        const receiver = client.createReceiver("agent-selected", subscription, {
          receiveMode: "receiveAndDelete",
          subQueueType,
        });
        while ((await receiver.receiveMessages(500, { maxWaitTimeInMs: 200 })).length > 0);
        await receiver.close();
      }
    }
  });

  const json = async (response: Response, operationId: string, status: number) => {
    expect(response.status, `${operationId} → ${status}`).toBe(status);
    const body = await response.json();
    expect(validate(operationId, status, body)).toEqual([]);
    return body as Record<string, unknown>;
  };

  async function provisionReceives(): Promise<HayMakerEvent[]> {
    const receiver = client.createReceiver("agent-selected", "provision", {
      receiveMode: "receiveAndDelete",
    });
    const events: HayMakerEvent[] = [];
    for (
      let batch = await receiver.receiveMessages(500, { maxWaitTimeInMs: 1000 });
      batch.length > 0;
      batch = await receiver.receiveMessages(500, { maxWaitTimeInMs: 300 })
    ) {
      events.push(...batch.map((m) => decodeEvent(m)));
    }
    await receiver.close();
    return events;
  }

  it("lists, groups and shows dead letters, paging newest first", async () => {
    await deadLetterEvents(client, "agent-selected", "provision", [
      selected("run-l-1"),
      selected("run-l-2"),
      selected("run-l-3"),
    ]);
    await deadLetterEvents(
      client,
      "agent-selected",
      "provision",
      [selected("run-l-4")],
      "HandlerError",
      "TypeError: boom",
    );
    const first = await json(
      await g.request("GET", "/api/dead-letters?limit=3", { role: "operator" }),
      "listDeadLetters",
      200,
    );
    const items = first.items as Array<{ id: string; runId: string; reason: string }>;
    expect(items).toHaveLength(3);
    expect(first.continuation).toBeDefined();
    const rest = await json(
      await g.request("GET", `/api/dead-letters?limit=3&continuation=${first.continuation}`, {
        role: "operator",
      }),
      "listDeadLetters",
      200,
    );
    const all = [...items, ...(rest.items as typeof items)];
    expect(new Set(all.map((l) => l.runId))).toEqual(new Set(["run-l-1", "run-l-2", "run-l-3", "run-l-4"]));
    const handler = await json(
      await g.request("GET", "/api/dead-letters?reason=HandlerError", { role: "operator" }),
      "listDeadLetters",
      200,
    );
    expect((handler.items as typeof items).map((l) => l.runId)).toEqual(["run-l-4"]);

    const groups = await json(
      await g.request("GET", "/api/dead-letters/groups", { role: "operator" }),
      "listDeadLetterGroups",
      200,
    );
    expect(
      (groups.items as Array<{ reason: string; count: number; subscription: string }>).map((gr) => [
        gr.subscription,
        gr.reason,
        gr.count,
      ]),
    ).toEqual([
      ["provision", "UnknownScenario", 3],
      ["provision", "HandlerError", 1],
    ]);

    const one = await json(
      await g.request("GET", `/api/dead-letters/${items[0]?.id}`, { role: "operator" }),
      "getDeadLetter",
      200,
    );
    expect(one).toMatchObject({
      topic: "agent-selected",
      subscription: "provision",
      event: { type: "com.haymaker.agent.selected.v1" },
    });
    expect(
      (
        await errorOf(
          await g.request("GET", "/api/dead-letters/agent-selected.provision.999999", { role: "operator" }),
          404,
        )
      ).code,
    ).toBe("DeadLetterNotFound");
    expect(
      (await errorOf(await g.request("GET", "/api/dead-letters/not-an-id", { role: "operator" }), 400)).code,
    ).toBe("InvalidDeadLetterId");
    expect(
      (await errorOf(await g.request("GET", "/api/dead-letters?continuation=xyz", { role: "operator" }), 400))
        .details[0]?.path,
    ).toBe("continuation");
    expect((await g.request("GET", "/api/dead-letters", { role: "reader" })).status).toBe(403);
  });

  it("dry-runs, then replays a group as an operation whose progress can be followed", async () => {
    const events = [selected("run-r-1"), selected("run-r-2")];
    await deadLetterEvents(client, "agent-selected", "provision", events);
    const group = (
      (await (await g.request("GET", "/api/dead-letters/groups", { role: "operator" })).json()) as {
        items: Array<{ group: string }>;
      }
    ).items[0]?.group;
    const dry = await json(
      await g.request("POST", "/api/dead-letters/replay", {
        role: "operator",
        body: { group, dryRun: true },
      }),
      "replayDeadLetters",
      200,
    );
    expect(dry).toMatchObject({ dryRun: true, count: 2 });
    expect(await queues.list()).toHaveLength(2);
    const started = await g.request("POST", "/api/dead-letters/replay", {
      role: "operator",
      body: { group, name: "after the fix" },
    });
    const { operation } = (await json(started, "replayDeadLetters", 202)) as { operation: { id: string } };
    expect(started.headers.get("location")).toBe(`/api/replays/${operation.id}`);
    await operations.idle();
    const done = await json(
      await g.request("GET", `/api/replays/${operation.id}`, { role: "operator" }),
      "getReplay",
      200,
    );
    expect(done).toMatchObject({
      status: "completed",
      total: 2,
      replayed: 2,
      failed: 0,
      remaining: 0,
      name: "after the fix",
      requestedBy: "api-key:test-operator",
    });
    const again = await provisionReceives();
    expect(again.map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(again.every((e) => e.replaycount === 1)).toBe(true);
    const listed = await json(
      await g.request("GET", "/api/replays", { role: "operator" }),
      "listReplays",
      200,
    );
    expect((listed.items as Array<{ id: string }>).some((o) => o.id === operation.id)).toBe(true);
    expect(
      (
        await errorOf(
          await g.request("POST", `/api/replays/${operation.id}/abort`, { role: "operator" }),
          409,
        )
      ).code,
    ).toBe("ReplayFinished");
    expect(
      (await errorOf(await g.request("POST", "/api/replays/rpl-none/abort", { role: "operator" }), 404)).code,
    ).toBe("ReplayNotFound");
    const bad = await errorOf(
      await g.request("POST", "/api/dead-letters/replay", { role: "operator", body: { group, ids: ["x"] } }),
      400,
    );
    expect(bad.code).toBe("InvalidSelection");
  });

  it("purges only for an admin, after a dry run if asked", async () => {
    await deadLetterEvents(client, "agent-selected", "provision", [selected("run-p-1"), selected("run-p-2")]);
    const ids = (await queues.list({ runId: "run-p-1" })).map((l) => l.id);
    expect((await g.request("DELETE", "/api/dead-letters", { role: "operator", body: { ids } })).status).toBe(
      403,
    );
    const dry = await json(
      await g.request("DELETE", "/api/dead-letters", { role: "admin", body: { ids, dryRun: true } }),
      "purgeDeadLetters",
      200,
    );
    expect(dry).toMatchObject({ count: 1 });
    await json(
      await g.request("DELETE", "/api/dead-letters", { role: "admin", body: { ids } }),
      "purgeDeadLetters",
      202,
    );
    await operations.idle();
    expect((await queues.list()).map((l) => l.runId)).toEqual(["run-p-2"]);
    expect(await provisionReceives()).toEqual([]);
  });

  it("edits and retries: a checked copy with a new id and a replayof link replaces the original", async () => {
    await deadLetterEvents(client, "agent-selected", "provision", [selected("run-e-1")]);
    const [letter] = await queues.list();
    const path = `/api/dead-letters/${letter?.id}/edit`;
    const data = { ...(letter?.event?.data as object), scenarioId: "vm-start-stop" };
    expect((await g.request("POST", path, { role: "operator", body: { data } })).status).toBe(403);
    const invalid = await errorOf(
      await g.request("POST", path, { role: "admin", body: { data: { ...data, index: -1 } } }),
      400,
    );
    expect(invalid.code).toBe("InvalidEventData");
    expect(invalid.details.map((d) => d.path)).toContain("data.index");
    const edited = await json(
      await g.request("POST", path, { role: "admin", body: { data } }),
      "editAndRetryDeadLetter",
      202,
    );
    expect(edited.replayOf).toBe(letter?.eventId);
    const [copy] = await provisionReceives();
    expect(copy).toMatchObject({
      id: edited.eventId,
      replayof: letter?.eventId,
      data: { scenarioId: "vm-start-stop" },
    });
    expect(await queues.list()).toEqual([]);

    const off = await testGateway({ deadLetters: { queues, operations, editEnabled: false } });
    expect(
      (await errorOf(await off.request("POST", path, { role: "admin", body: { data } }), 403)).code,
    ).toBe("EditDisabled");
  });

  it("counts dead letters per subscription in status and metrics; answers 503 without a bus", async () => {
    await deadLetterEvents(client, "agent-selected", "provision", [selected("run-c-1"), selected("run-c-2")]);
    const status = (await (await g.request("GET", "/api/status")).json()) as { deadLetters: unknown };
    expect(status.deadLetters).toEqual([{ topic: "agent-selected", subscription: "provision", count: 2 }]);
    const metrics = (await (await g.request("GET", "/api/metrics")).json()) as { deadLetters: unknown };
    expect(metrics.deadLetters).toEqual([{ topic: "agent-selected", subscription: "provision", count: 2 }]);
    const without = await testGateway();
    expect(
      (await errorOf(await without.request("GET", "/api/dead-letters", { role: "operator" }), 503)).code,
    ).toBe("DeadLettersUnavailable");
  });
});

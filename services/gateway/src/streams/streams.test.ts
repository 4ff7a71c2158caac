// Live Server-Sent Event streams read as a client reads them, while events are being projected.
import { eventNameOf, type HayMakerEvent } from "@haymaker/contracts";
import { runStory } from "@haymaker/projections/testing";
import { describe, expect, it } from "vitest";
import { errorOf, testGateway } from "../testing/test-gateway.ts";

const RUN = "run-20261124-060000-5eed";
const story = runStory({
  runId: RUN,
  requestedAt: "2026-11-24T06:00:00Z",
  agents: [{ scenarioId: "nsg-rule-tuning" }],
});
const step = (name: string): HayMakerEvent => {
  const event = story.find((e) => e.id.endsWith(`.${name}`));
  if (event === undefined) throw new Error(`no story step ${name}`);
  return event;
};
const upTo = (name: string) => story.slice(0, story.indexOf(step(name)) + 1);

interface Message {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}

/** Reads a text/event-stream answer message by message, as EventSource would. */
function sseReader(response: Response) {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    async next(timeoutMs = 3000): Promise<Message | undefined> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message: Message = {};
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) message.comment = line.slice(1).trim();
            const [, field, value] = /^(event|id|data): ?(.*)$/.exec(line) ?? [];
            if (field) message[field as "event" | "id" | "data"] = value;
          }
          if (message.event || message.data || message.comment) return message;
          continue;
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no message within ${timeoutMs} ms`);
        const chunk = await Promise.race([
          reader.read(),
          new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), left)),
        ]);
        if (chunk === "timeout") continue;
        if (chunk.done) return undefined;
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
    /** The next message that is not a heartbeat. */
    async nextEvent(timeoutMs = 3000): Promise<Message | undefined> {
      for (;;) {
        const message = await this.next(timeoutMs);
        if (message?.comment === undefined) return message;
      }
    },
    cancel: () => reader.cancel(),
  };
}

async function applyAll(g: Awaited<ReturnType<typeof testGateway>>, events: readonly HayMakerEvent[]) {
  for (const event of events) await g.projections.apply(event);
}

describe("GET /api/agents/{id}/logs?follow=true", () => {
  it("sends the lines so far, each new one as it arrives, heartbeats while quiet, and end when the agent is done", async () => {
    const g = await testGateway();
    await applyAll(g, upTo("log-1"));
    const response = await g.request("GET", `/api/agents/${RUN}.a01/logs?follow=true`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(response.headers.get("etag")).toBeNull();
    const stream = sseReader(response);
    const first = await stream.nextEvent();
    expect(first).toMatchObject({ event: "log", id: "1" });
    expect(JSON.parse(first?.data ?? "{}")).toMatchObject({ runId: RUN, agentId: "a01", sequence: 1 });
    // Quiet: a heartbeat comes before anything else.
    expect((await stream.next())?.comment).toBe("heartbeat");
    await applyAll(g, [step("storage-created"), step("log-2")]);
    expect(await stream.nextEvent()).toMatchObject({ event: "log", id: "2" });
    await applyAll(g, [step("finished")]);
    const end = await stream.nextEvent();
    expect(end?.event).toBe("end");
    expect(JSON.parse(end?.data ?? "{}")).toEqual({ stage: "finished", outcome: "completed" });
    expect(await stream.next()).toBeUndefined();
  });

  it("starts from the last `tail` lines, or after the Last-Event-ID a reconnecting client sends", async () => {
    const g = await testGateway();
    await applyAll(g, upTo("log-2"));
    const tail = sseReader(
      await g.request("GET", `/api/executions/${RUN}/agents/a01/logs?follow=true&tail=1`),
    );
    expect(await tail.nextEvent()).toMatchObject({ event: "log", id: "2" });
    await applyAll(g, [step("finished")]);
    expect((await tail.nextEvent())?.event).toBe("end");

    const resumed = sseReader(
      await g.request("GET", `/api/agents/${RUN}.a01/logs?follow=true`, {
        headers: { "last-event-id": "1" },
      }),
    );
    expect(await resumed.nextEvent()).toMatchObject({ event: "log", id: "2" });
    expect((await resumed.nextEvent())?.event).toBe("end");
  });

  it("answers before streaming when the agent is unknown, the key missing or the query bad", async () => {
    const g = await testGateway();
    expect((await errorOf(await g.request("GET", `/api/agents/${RUN}.a01/logs?follow=true`), 404)).code).toBe(
      "AgentNotFound",
    );
    expect((await g.request("GET", `/api/agents/${RUN}.a01/logs?follow=true`, { role: "none" })).status).toBe(
      401,
    );
    expect((await errorOf(await g.request("GET", "/api/agents/no-dot/logs?follow=true"), 400)).code).toBe(
      "InvalidAgentId",
    );
  });
});

describe("GET /api/executions/{id}/events", () => {
  it("streams the run's events as they are projected, named by type, then end at its final status", async () => {
    const g = await testGateway();
    await applyAll(g, upTo("selected"));
    const stream = sseReader(await g.request("GET", `/api/executions/${RUN}/events`));
    const seen: Message[] = [];
    for (let i = 0; i < 3; i++) seen.push((await stream.nextEvent()) as Message);
    expect(seen.map((m) => m.event)).toEqual(["run.requested", "run.validated", "agent.selected"]);
    expect(seen.map((m) => m.id)).toEqual(["1", "2", "3"]);
    expect(JSON.parse(seen[2]?.data ?? "{}")).toMatchObject({
      id: `${RUN}.a01.selected`,
      specversion: "1.0",
    });
    const rest = story.slice(3);
    await applyAll(g, rest);
    const expected = rest.map((e) => eventNameOf(e.type)).filter((name) => name !== "agent.log");
    const names: string[] = [];
    for (
      let message = await stream.nextEvent();
      message?.event !== "end";
      message = await stream.nextEvent()
    ) {
      names.push(message?.event ?? "closed");
    }
    expect(names).toEqual(expected);
    expect(await stream.next()).toBeUndefined();
  });

  it("resumes after Last-Event-ID, and answers 404 for an unknown run", async () => {
    const g = await testGateway();
    await applyAll(g, story);
    const stream = sseReader(
      await g.request("GET", `/api/executions/${RUN}/events`, { headers: { "last-event-id": "13" } }),
    );
    expect((await stream.nextEvent())?.id).toBe("14");
    expect(
      (await errorOf(await g.request("GET", "/api/executions/run-20990101-000000-0000/events"), 404)).code,
    ).toBe("ExecutionNotFound");
  });
});

describe("the stream caps", () => {
  it("answers a caller over its cap 429 with Retry-After before streaming, while another caller still gets one", async () => {
    const g = await testGateway({ streams: { perCaller: 2, total: 3 } });
    await applyAll(g, upTo("selected"));
    const open = async (role: "reader" | "operator" | "admin" = "reader") =>
      g.request("GET", `/api/executions/${RUN}/events`, { role });
    const first = sseReader(await open());
    const second = sseReader(await open());
    const refused = await open();
    const error = await errorOf(refused, 429);
    expect(error.code).toBe("TooManyStreams");
    expect(error.message).toContain("At most 2 streams");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another caller has slots of its own, until the gateway's total is reached.
    const third = sseReader(await open("operator"));
    expect((await third.nextEvent())?.event).toBe("run.requested");
    const full = await open("admin");
    expect((await errorOf(full, 429)).message).toContain("its 3 streams");
    // The agent log stream counts against the same caps.
    await applyAll(g, upTo("log-1").slice(upTo("selected").length));
    expect((await g.request("GET", `/api/agents/${RUN}.a01/logs?follow=true`)).status).toBe(429);
    for (const stream of [first, second, third]) await stream.cancel();
  });

  it("gives a slot back when its client goes away, and when the stream ends", async () => {
    const g = await testGateway({ streams: { perCaller: 1, total: 10 } });
    await applyAll(g, upTo("selected"));
    const open = () => g.request("GET", `/api/executions/${RUN}/events`);
    const gone = sseReader(await open());
    expect((await gone.nextEvent())?.event).toBe("run.requested");
    expect((await open()).status).toBe(429);
    await gone.cancel();
    /** Opens a stream and closes it again at once: whether a slot was free. */
    const openAndClose = async () => {
      const response = await open();
      if (response.status === 200) await sseReader(response).cancel();
      return response.status;
    };
    await expect.poll(openAndClose, { timeout: 2000 }).toBe(200);

    // HEAD answers the stream's head alone: it holds no slot.
    const head = () => g.request("HEAD", `/api/executions/${RUN}/events`);
    await expect.poll(async () => (await head()).status, { timeout: 2000 }).toBe(200);
    expect((await head()).headers.get("content-type")).toMatch(/^text\/event-stream/);
    await expect.poll(openAndClose, { timeout: 2000 }).toBe(200);
    await expect.poll(openAndClose, { timeout: 2000 }).toBe(200);

    // A run that is over: its stream ends by itself, and frees its slot.
    const g2 = await testGateway({ streams: { perCaller: 1, total: 10 } });
    await applyAll(g2, story);
    const ended = sseReader(await g2.request("GET", `/api/executions/${RUN}/events`));
    while ((await ended.nextEvent())?.event !== "end");
    expect(await ended.next()).toBeUndefined();
    const again = await g2.request("GET", `/api/executions/${RUN}/events`);
    expect(again.status).toBe(200);
    await sseReader(again).cancel();
  });
});

describe("secrets in the run's event stream", () => {
  it("are left out of every event: identity.provisioned and its successors carry no secretRef", async () => {
    const g = await testGateway();
    await applyAll(g, story);
    const stored = (await g.projections.runEvents(RUN, { limit: 500 })).items;
    expect(JSON.stringify(stored)).toContain("secretRef");
    const stream = sseReader(await g.request("GET", `/api/executions/${RUN}/events`));
    const sent: Message[] = [];
    for (let m = await stream.nextEvent(); m?.event !== "end"; m = await stream.nextEvent()) {
      sent.push(m as Message);
    }
    expect(sent).toHaveLength(stored.length);
    const provisioned = sent.find((m) => m.event === "identity.provisioned");
    const data = JSON.parse(provisioned?.data ?? "{}") as { data: Record<string, unknown> };
    expect(data.data).toHaveProperty("identity");
    expect(data.data).not.toHaveProperty("secretRef");
    expect(sent.map((m) => m.data).join("\n")).not.toMatch(/secretRef|local:run-/);
  });
});

import { newEvent } from "@haymaker/cloudevents";
import { EXAMPLE_DATA, type HayMakerEvent } from "@haymaker/contracts";
import { describe, expect, it } from "vitest";
import { testGateway } from "../testing/test-gateway.ts";

const RUN = "run-20261124-060000-ab12";

async function gateway() {
  const g = await testGateway();
  const project = (type: Parameters<typeof newEvent>[0], data: unknown) =>
    g.projections.apply(newEvent(type, { source: "/haymaker/test", data } as never) as HayMakerEvent);
  return { ...g, operator: g.key.operator, reader: g.key.reader, project };
}

describe("POST /api/executions/{id}/cancel", () => {
  it("asks for the run to be cancelled and answers 202", async () => {
    const g = await gateway();
    await g.project("run.requested", { ...EXAMPLE_DATA["run.requested"], runId: RUN });
    const response = await g.call("POST", `/api/executions/${RUN}/cancel`, g.operator, {
      reason: "change freeze",
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ executionId: RUN, status: "cancelling" });
    expect(g.published).toHaveLength(1);
    expect(g.published[0]).toMatchObject({
      type: "com.haymaker.run.cancel.requested.v1",
      data: { runId: RUN, requestedBy: "api-key:test-operator", reason: "change freeze" },
    });
    expect((await g.call("POST", `/api/executions/${RUN}/cancel`, g.operator)).status).toBe(202);
  });

  it("answers an unknown run 404, an ended one 409 and a bad body 400, publishing nothing", async () => {
    const g = await gateway();
    expect((await g.call("POST", "/api/executions/run-20990101-000000-0000/cancel", g.operator)).status).toBe(
      404,
    );
    await g.project("run.rejected", { ...EXAMPLE_DATA["run.rejected"], runId: RUN });
    const ended = await g.call("POST", `/api/executions/${RUN}/cancel`, g.operator);
    expect(ended.status).toBe(409);
    expect(((await ended.json()) as { error: { code: string } }).error.code).toBe("ExecutionEnded");
    expect((await g.call("POST", `/api/executions/${RUN}/cancel`, g.operator, { why: "x" })).status).toBe(
      400,
    );
    expect(g.published).toEqual([]);
  });

  it("is for operators: 401 without a key, 403 for a reader", async () => {
    const g = await gateway();
    await g.project("run.requested", { ...EXAMPLE_DATA["run.requested"], runId: RUN });
    expect((await g.call("POST", `/api/executions/${RUN}/cancel`)).status).toBe(401);
    expect((await g.call("POST", `/api/executions/${RUN}/cancel`, g.reader)).status).toBe(403);
    expect(g.published).toEqual([]);
  });
});

describe("GET /api/executions/{id}/report", () => {
  it("serves the run's report as JSON, or as Markdown", async () => {
    const g = await gateway();
    const refs = await g.reports.put(RUN, {
      json: { runId: RUN, status: "completed" },
      markdown: "# HayMaker run\n",
    });
    await g.project("run.completed", { ...EXAMPLE_DATA["run.completed"], runId: RUN, report: refs });
    const json = await g.call("GET", `/api/executions/${RUN}/report`, g.reader);
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({ runId: RUN, status: "completed" });
    const markdown = await g.call("GET", `/api/executions/${RUN}/report?format=markdown`, g.reader);
    expect(markdown.headers.get("content-type")).toMatch(/^text\/markdown/);
    expect(await markdown.text()).toBe("# HayMaker run\n");
  });

  it("answers 404 before the report exists and 400 for an unknown format", async () => {
    const g = await gateway();
    await g.project("run.requested", { ...EXAMPLE_DATA["run.requested"], runId: RUN });
    expect((await g.call("GET", `/api/executions/${RUN}/report`, g.reader)).status).toBe(404);
    expect((await g.call("GET", `/api/executions/${RUN}/report?format=pdf`, g.reader)).status).toBe(400);
  });

  it("needs a key", async () => {
    const g = await gateway();
    expect((await g.call("GET", `/api/executions/${RUN}/report`)).status).toBe(401);
  });
});

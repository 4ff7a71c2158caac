import { describe, expect, it } from "vitest";
import { testGateway } from "./testing/test-gateway.ts";

describe("ETags on reads", () => {
  it("tags a read, answers 304 while it has not changed, and a new tag once it has", async () => {
    const g = await testGateway();
    const first = await g.request("GET", "/api/executions");
    const tag = first.headers.get("etag");
    expect(tag).toMatch(/^"[\w-]{27}"$/);
    expect(first.headers.get("cache-control")).toBe("private, no-cache");
    const again = await g.request("GET", "/api/executions", { headers: { "if-none-match": tag ?? "" } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    // A list of tags, or the weak form of ours, matches too.
    for (const sent of [`"other", ${tag}`, `W/${tag}`]) {
      expect((await g.request("GET", "/api/executions", { headers: { "if-none-match": sent } })).status).toBe(
        304,
      );
    }
    await g.request("POST", "/api/execute", { role: "operator", body: {} });
    await g.projections.apply(g.published[0] as (typeof g.published)[number]);
    const changed = await g.request("GET", "/api/executions", { headers: { "if-none-match": tag ?? "" } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(tag);
  });

  it("leaves writes and errors untagged", async () => {
    const g = await testGateway();
    expect(
      (await g.request("POST", "/api/execute", { role: "operator", body: {} })).headers.get("etag"),
    ).toBeNull();
    expect(
      (await g.request("GET", "/api/executions/run-20990101-000000-0000")).headers.get("etag"),
    ).toBeNull();
  });
});

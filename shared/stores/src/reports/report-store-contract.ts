import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { ReportRefSchema, TimestampSchema } from "@haymaker/contracts";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { readWhileWriting, thrown } from "../contract-helpers.ts";
import { StoreInputError } from "../errors.ts";
import { ReportNotFoundError, type ReportStore } from "./report-store.ts";

/**
 * Makes an empty store for one test. Called inside the test, so it may register cleanup with
 * onTestFinished.
 */
export type MakeReportStore = () => Promise<ReportStore>;

function uniqueRunId(): string {
  return `run-${randomUUID().slice(0, 8)}`;
}

const SAMPLE = {
  runId: "run-1",
  agents: [{ agentId: "a01", outcome: "succeeded", resources: 3 }],
  note: 'ünïcode and "quotes"',
};
const MARKDOWN = "# Run run-1\n\n| agent | outcome |\n|---|---|\n| a01 | succeeded |\n";

// Blob Storage keeps modification times to the second; waiting longer than that orders two writes.
const CLOCK_RESOLUTION_MS = 1100;

/** The behaviour every ReportStore adapter must have. */
export function describeReportStoreContract(name: string, makeStore: MakeReportStore): void {
  describe(`ReportStore contract: ${name}`, () => {
    it("round-trips both files and returns valid, distinct refs", async () => {
      const store = await makeStore();
      const refs = await store.put(uniqueRunId(), { json: SAMPLE, markdown: MARKDOWN });
      expect(v.is(ReportRefSchema, refs.json)).toBe(true);
      expect(v.is(ReportRefSchema, refs.markdown)).toBe(true);
      expect(refs.json).not.toBe(refs.markdown);
      expect(await store.get(refs.markdown)).toBe(MARKDOWN);
      const json = await store.get(refs.json);
      expect(JSON.parse(json)).toEqual(SAMPLE);
    });

    it("stores the JSON pretty-printed, ending with a newline", async () => {
      const store = await makeStore();
      const refs = await store.put(uniqueRunId(), { json: SAMPLE, markdown: MARKDOWN });
      expect(await store.get(refs.json)).toBe(`${JSON.stringify(SAMPLE, null, 2)}\n`);
    });

    it("replaces a run's report on a second put, under the same refs", async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      const first = await store.put(runId, { json: { version: 1 }, markdown: "# first\n" });
      const second = await store.put(runId, { json: { version: 2 }, markdown: "# second\n" });
      expect(second).toEqual(first);
      expect(JSON.parse(await store.get(first.json))).toEqual({ version: 2 });
      expect(await store.get(first.markdown)).toBe("# second\n");
      expect((await store.list()).filter((report) => report.runId === runId)).toHaveLength(1);
    });

    it("lists every run once with its refs and when it was written", async () => {
      const store = await makeStore();
      expect(await store.list()).toEqual([]);
      const before = Date.now();
      const [runA, runB] = [uniqueRunId(), uniqueRunId()];
      const refsA = await store.put(runA, { json: { run: "a" }, markdown: "a" });
      const refsB = await store.put(runB, { json: { run: "b" }, markdown: "b" });
      await store.put(runA, { json: { run: "a", again: true }, markdown: "a again" });
      const after = Date.now();

      const listed = await store.list();
      expect(listed.map((report) => report.runId).sort()).toEqual([runA, runB].sort());
      expect(listed.find((report) => report.runId === runA)).toMatchObject(refsA);
      expect(listed.find((report) => report.runId === runB)).toMatchObject(refsB);
      for (const report of listed) {
        expect(v.is(TimestampSchema, report.writtenAt)).toBe(true);
        // File systems and blob services round modification times, so allow a little slack.
        const writtenAt = Date.parse(report.writtenAt);
        expect(writtenAt).toBeGreaterThanOrEqual(before - 2000);
        expect(writtenAt).toBeLessThanOrEqual(after + 2000);
      }
    });

    it("lists the newest report first", async () => {
      const store = await makeStore();
      const [older, newer] = [uniqueRunId(), uniqueRunId()];
      await store.put(older, { json: {}, markdown: "older" });
      await sleep(CLOCK_RESOLUTION_MS);
      await store.put(newer, { json: {}, markdown: "newer" });
      expect((await store.list()).map((report) => report.runId)).toEqual([newer, older]);
    });

    it("throws ReportNotFoundError naming the ref of a missing report", async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      const refs = await store.put(runId, { json: {}, markdown: "x" });
      // Refs depend on the run id alone, so another run's ref is one that nothing was written under.
      const missing = refs.json.replace(`/${runId}/`, `/${uniqueRunId()}/`);
      expect(missing).not.toBe(refs.json);
      const error = await thrown(() => store.get(missing));
      expect(error).toBeInstanceOf(ReportNotFoundError);
      expect((error as ReportNotFoundError).ref).toBe(missing);
      expect(error.message).toContain(missing);
    });

    it.each([
      ["empty", ""],
      ["with capitals", "Run-1"],
      ["with an underscore", "run_1"],
      ["climbing out", "../etc"],
      ["with a slash", "run/1"],
      ["starting with a digit", "1run"],
      ["with a double hyphen", "run--1"],
      ["of 33 characters", `r${"x".repeat(32)}`],
      ["that is not a string", 42 as unknown as string],
    ])("refuses a run id %s, naming it", async (_, runId) => {
      const store = await makeStore();
      const error = await thrown(() => store.put(runId, { json: {}, markdown: "x" }));
      expect(error).toBeInstanceOf(StoreInputError);
      expect((error as StoreInputError).input).toBe("run id");
      expect(error.message).toContain(typeof runId === "string" ? JSON.stringify(runId) : "42");
      expect(await store.list()).toEqual([]);
    });

    it.each([
      ["local:../x", /inside the reports directory/],
      ["local:reports/../../etc/passwd", /inside the reports directory/],
      ["local:/etc/passwd", /inside the reports directory/],
      ["local:reports\\..\\x", /inside the reports directory/],
      ["http://acct.blob.core.windows.net/reports/r.md", /expected local:/],
      ["https://acct.blob.core.windows.net/reports/r.md?sv=2024&sig=abc", /expected local:/],
      ["report.json", /expected local:/],
      ["", /expected local:/],
    ])("refuses the ref %j", async (ref, message) => {
      const store = await makeStore();
      const error = await thrown(() => store.get(ref));
      expect(error).toBeInstanceOf(StoreInputError);
      expect((error as StoreInputError).input).toBe("report ref");
      expect(error.message).toMatch(message);
    });

    it("refuses JSON it cannot write and Markdown that is not text", async () => {
      const store = await makeStore();
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      const refusals: Array<[unknown, string]> = [
        [{ json: circular, markdown: "x" }, "report json"],
        [{ json: { count: 1n }, markdown: "x" }, "report json"],
        [{ json: undefined, markdown: "x" }, "report json"],
        [{ json: () => 1, markdown: "x" }, "report json"],
        [{ json: {}, markdown: 42 }, "report markdown"],
        [{ json: {} }, "report markdown"],
        [null, "report"],
      ];
      for (const [report, input] of refusals) {
        const error = await thrown(() => store.put(uniqueRunId(), report as never));
        expect(error).toBeInstanceOf(StoreInputError);
        expect((error as StoreInputError).input).toBe(input);
        expect(error.message).not.toContain("\n");
      }
      expect(await store.list()).toEqual([]);
    });

    it("never lets a reader see a partly written report", async () => {
      const store = await makeStore();
      const runId = uniqueRunId();
      const [even, odd] = ["a".repeat(200_000), "b".repeat(200_000)];
      const versions = [even, odd];
      const refs = await store.put(runId, { json: {}, markdown: even });
      const seen = await readWhileWriting(
        async () => {
          for (let round = 0; round < 10; round++) {
            await store.put(runId, { json: { round }, markdown: round % 2 ? odd : even });
          }
        },
        () => store.get(refs.markdown),
      );
      const tornLengths = [...seen].filter((read) => !versions.includes(read)).map((read) => read.length);
      expect(tornLengths).toEqual([]);
    });
  });
}

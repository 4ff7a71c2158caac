import { mkdir, readdir, readFile, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { thrown } from "../contract-helpers.ts";
import { StoreInputError } from "../errors.ts";
import { temporaryDataDirectory } from "../files/test-data-directory.ts";
import { FileReportStore } from "./file-report-store.ts";
import { describeReportStoreContract } from "./report-store-contract.ts";

describeReportStoreContract(
  "FileReportStore",
  async () => new FileReportStore(await temporaryDataDirectory()),
);

describe("FileReportStore on disk", () => {
  it("writes reports/<runId>/report.json and report.md under the data directory", async () => {
    const dataDirectory = await temporaryDataDirectory();
    const refs = await new FileReportStore(dataDirectory).put("run-1", {
      json: { runId: "run-1" },
      markdown: "# run-1\n",
    });
    expect(refs).toEqual({
      json: "local:reports/run-1/report.json",
      markdown: "local:reports/run-1/report.md",
    });
    const runDirectory = join(dataDirectory, "reports", "run-1");
    expect(await readFile(join(runDirectory, "report.json"), "utf8")).toBe('{\n  "runId": "run-1"\n}\n');
    expect(await readFile(join(runDirectory, "report.md"), "utf8")).toBe("# run-1\n");
  });

  it("leaves no temporary files behind after concurrent writes", async () => {
    const dataDirectory = await temporaryDataDirectory();
    const store = new FileReportStore(dataDirectory);
    await Promise.all(
      Array.from({ length: 20 }, (_, index) => store.put("run-1", { json: { index }, markdown: `${index}` })),
    );
    expect((await readdir(join(dataDirectory, "reports", "run-1"))).sort()).toEqual([
      "report.json",
      "report.md",
    ]);
  });

  it.each([
    ["local:secrets/run-1-a01", "a file elsewhere in the data directory"],
    ["local:reports/run-1/other.txt", "another file of the run"],
    ["local:reports/Run-1/report.json", "a run id that is not one"],
    ["local:reports/run-1/report.json/x", "a path below a report"],
    ["https://acct.blob.core.windows.net/reports/run-1/report.json", "a blob URL"],
  ])("refuses %s (%s): not a ref this store makes", async (ref) => {
    const store = new FileReportStore(await temporaryDataDirectory());
    const error = await thrown(() => store.get(ref));
    expect(error).toBeInstanceOf(StoreInputError);
    expect(error.message).toMatch(/this local store holds only refs of the form local:reports\/<runId>/);
  });

  it("lists only complete reports of valid run ids, ignoring anything else in the directory", async () => {
    const dataDirectory = await temporaryDataDirectory();
    const store = new FileReportStore(dataDirectory);
    await store.put("run-complete", { json: {}, markdown: "done" });
    const reports = join(dataDirectory, "reports");
    await mkdir(join(reports, "run-half"));
    await writeFile(join(reports, "run-half", "report.md"), "only the markdown");
    await mkdir(join(reports, "Not_A_Run"));
    await writeFile(join(reports, "Not_A_Run", "report.json"), "{}");
    await writeFile(join(reports, "Not_A_Run", "report.md"), "");
    await writeFile(join(reports, "run-is-a-file"), "stray");
    await writeFile(join(reports, ".report.json.1234.tmp"), "stray");
    expect((await store.list()).map((report) => report.runId)).toEqual(["run-complete"]);
  });

  it("orders by the newer file's modification time, newest first", async () => {
    const dataDirectory = await temporaryDataDirectory();
    const store = new FileReportStore(dataDirectory);
    for (const runId of ["run-a", "run-b", "run-c"]) await store.put(runId, { json: {}, markdown: runId });
    const at = (iso: string) => new Date(iso);
    const runDirectory = (runId: string) => join(dataDirectory, "reports", runId);
    await utimes(
      join(runDirectory("run-a"), "report.json"),
      at("2026-01-01T00:00:00Z"),
      at("2026-01-03T00:00:00Z"),
    );
    await utimes(
      join(runDirectory("run-a"), "report.md"),
      at("2026-01-01T00:00:00Z"),
      at("2026-01-01T00:00:00Z"),
    );
    await utimes(
      join(runDirectory("run-b"), "report.json"),
      at("2026-01-02T00:00:00Z"),
      at("2026-01-02T00:00:00Z"),
    );
    await utimes(
      join(runDirectory("run-b"), "report.md"),
      at("2026-01-02T00:00:00Z"),
      at("2026-01-02T00:00:00Z"),
    );
    await utimes(
      join(runDirectory("run-c"), "report.json"),
      at("2026-01-02T00:00:00Z"),
      at("2026-01-02T00:00:00Z"),
    );
    await utimes(
      join(runDirectory("run-c"), "report.md"),
      at("2026-01-02T00:00:00Z"),
      at("2026-01-02T00:00:00Z"),
    );
    expect((await store.list()).map(({ runId, writtenAt }) => [runId, writtenAt])).toEqual([
      ["run-a", "2026-01-03T00:00:00.000Z"],
      ["run-b", "2026-01-02T00:00:00.000Z"],
      ["run-c", "2026-01-02T00:00:00.000Z"],
    ]);
  });

  it("lists nothing before the first report, without creating the directory", async () => {
    const dataDirectory = await temporaryDataDirectory();
    expect(await new FileReportStore(dataDirectory).list()).toEqual([]);
    expect(await readdir(dataDirectory)).toEqual([]);
  });

  it("describes itself by its directory", async () => {
    const dataDirectory = await temporaryDataDirectory();
    expect(String(new FileReportStore(dataDirectory))).toBe(
      `FileReportStore(${join(dataDirectory, "reports")})`,
    );
  });
});

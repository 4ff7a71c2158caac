import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it, onTestFinished } from "vitest";
import { applyAll, projectionStoreContract, runStory, storyEvent } from "../testing.ts";
import { PROJECTIONS_FILE, SqliteProjectionStore } from "./sqlite-projection-store.ts";

projectionStoreContract("SqliteProjectionStore in memory", async () => SqliteProjectionStore.inMemory());
projectionStoreContract("SqliteProjectionStore on disk", async () =>
  SqliteProjectionStore.open(await temporaryDataDirectory()),
);

async function temporaryDataDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "haymaker-projections-"));
  onTestFinished(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

function openStore(dataDirectory: string): SqliteProjectionStore {
  const store = SqliteProjectionStore.open(dataDirectory);
  onTestFinished(() => store.close());
  return store;
}

const RUN = "run-sqlite";
const STORY = runStory({
  runId: RUN,
  requestedAt: "2026-11-24T06:00:00Z",
  agents: [{ scenarioId: "vm-restart" }],
});

describe("SqliteProjectionStore on disk", () => {
  it("keeps its file under the data directory, in WAL mode, and finds its records again after reopening", async () => {
    const dataDirectory = join(await temporaryDataDirectory(), "nested", ".haymaker");
    const store = SqliteProjectionStore.open(dataDirectory);
    await applyAll(store, STORY);
    await store.close();
    expect(String(store)).toBe(`SqliteProjectionStore(${join(dataDirectory, PROJECTIONS_FILE)})`);

    const raw = new DatabaseSync(join(dataDirectory, PROJECTIONS_FILE));
    expect(raw.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    raw.close();

    const reopened = openStore(dataDirectory);
    expect((await reopened.getExecution(RUN))?.execution.status).toBe("completed");
    expect(await reopened.apply(STORY[0] as (typeof STORY)[number])).toEqual({ applied: false });
  });

  it("lets a reader in another connection see each event as it is applied, and applies an event once across both", async () => {
    const dataDirectory = await temporaryDataDirectory();
    const projector = openStore(dataDirectory);
    const gateway = openStore(dataDirectory);
    await projector.apply(storyEvent(STORY, RUN, "requested"));
    expect((await gateway.getExecution(RUN))?.execution.status).toBe("requested");
    await projector.apply(storyEvent(STORY, RUN, "validated"));
    expect((await gateway.listExecutions()).items.map((run) => run.status)).toEqual(["validated"]);
    expect(await gateway.apply(storyEvent(STORY, RUN, "validated"))).toEqual({ applied: false });
  });

  it("writes all of an event or none of it", async () => {
    const dataDirectory = await temporaryDataDirectory();
    const store = openStore(dataDirectory);
    const log = storyEvent(STORY, RUN, "a01.log-1");
    await applyAll(store, STORY.slice(0, STORY.indexOf(log)));
    const before = await store.getExecution(RUN);
    // Another writer took the log line's place: the event's last write fails after its others succeeded.
    const raw = new DatabaseSync(join(dataDirectory, PROJECTIONS_FILE));
    onTestFinished(() => raw.close());
    raw
      .prepare("INSERT INTO logs (run_id, agent_id, sequence, at, body) VALUES (?, 'a01', 1, '', '{}')")
      .run(RUN);

    await expect(store.apply(log)).rejects.toThrow(/UNIQUE constraint failed/);
    expect(await store.getExecution(RUN)).toEqual(before);

    raw.prepare("DELETE FROM logs").run();
    expect(await store.apply(log)).toEqual({ applied: true });
    expect((await store.getAgent(RUN, "a01"))?.logCount).toBe(1);
  });

  it("refuses a file written by a newer HayMaker, saying what to do", async () => {
    const dataDirectory = await temporaryDataDirectory();
    const raw = new DatabaseSync(join(dataDirectory, PROJECTIONS_FILE));
    raw.exec("PRAGMA user_version = 99");
    raw.close();
    expect(() => SqliteProjectionStore.open(dataDirectory)).toThrow(
      /schema version 99, newer than this HayMaker knows \(1\); upgrade HayMaker or use another data directory/,
    );
  });
});

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onTestFinished } from "vitest";

/** A fresh data directory for the running test, removed when it finishes. Tests only. */
export async function temporaryDataDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "haymaker-stores-"));
  onTestFinished(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

// A sandbox that cannot start gives back what it opened: a second sandbox asked for a port the first one
// holds fails, and leaves no directory behind for its executions' output.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startSandboxCloud } from "./server.ts";

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("a sandbox that cannot listen", () => {
  it("fails with the port's error and removes the temporary directory it made for execution output", async () => {
    const first = await startSandboxCloud();
    cleanups.push(() => first.close());
    const port = Number(new URL(first.url).port);

    // os.tmpdir() reads TMPDIR on every call: an empty one of this test's own shows what the failed start left.
    const scratch = mkdtempSync(join(tmpdir(), "sandbox-start-failure-"));
    const before = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    cleanups.push(() => {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
      rmSync(scratch, { recursive: true, force: true });
    });

    await expect(startSandboxCloud({ port })).rejects.toThrow(/EADDRINUSE/);
    expect(readdirSync(scratch)).toEqual([]);
  });
});

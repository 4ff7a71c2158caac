import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomically } from "./atomic-write.ts";
import { temporaryDataDirectory } from "./test-data-directory.ts";

describe("writeFileAtomically", () => {
  it("creates and replaces a file", async () => {
    const directory = await temporaryDataDirectory();
    const file = join(directory, "target");
    await writeFileAtomically(file, "first");
    await writeFileAtomically(file, "second");
    expect(await readFile(file, "utf8")).toBe("second");
    expect(await readdir(directory)).toEqual(["target"]);
  });

  it.skipIf(process.platform === "win32")("gives the file exactly the mode asked for", async () => {
    const directory = await temporaryDataDirectory();
    const file = join(directory, "private");
    await writeFile(file, "old", { mode: 0o644 });
    await writeFileAtomically(file, "new", { mode: 0o600 });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it("removes its temporary file when the rename fails", async () => {
    const directory = await temporaryDataDirectory();
    // A non-empty directory where the file should go: the rename over it fails.
    const target = join(directory, "occupied");
    await mkdir(target);
    await writeFile(join(target, "inside"), "x");
    await expect(writeFileAtomically(target, "text")).rejects.toThrow();
    expect(await readdir(directory)).toEqual(["occupied"]);
  });
});

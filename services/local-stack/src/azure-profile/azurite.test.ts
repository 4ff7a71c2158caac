// Azurite as the Azure profile runs it: its own process, ready when it says so, and never outliving the
// stack that started it, whether the stack stops it or exits without doing so.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { AZURITE_ACCOUNT, startAzurite } from "./azurite.ts";

const AZURITE = fileURLToPath(new URL("./azurite.ts", import.meta.url));
const answers = (endpoint: string) =>
  fetch(`${endpoint}?comp=list`).then(
    () => true,
    () => false,
  );

describe("the Azure profile's Azurite", () => {
  it("serves its own account until stopped, and refuses a request without the account key", async () => {
    const azurite = await startAzurite(mkdtempSync(join(tmpdir(), "azurite-")), 0);
    try {
      expect(azurite.blobEndpoint).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${AZURITE_ACCOUNT}$`));
      expect((await fetch(`${azurite.blobEndpoint}?comp=list`)).status).toBe(403);
    } finally {
      await azurite.stop();
    }
    expect(await answers(azurite.blobEndpoint)).toBe(false);
  });

  it("ends with a stack that exits without stopping it", async () => {
    const script = `const { startAzurite } = await import(${JSON.stringify(AZURITE)});
const azurite = await startAzurite(${JSON.stringify(mkdtempSync(join(tmpdir(), "azurite-")))}, 0);
console.log(azurite.blobEndpoint);
process.exit(1);`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: "pipe" });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const code = await new Promise((resolve) => child.once("exit", resolve));
    const endpoint = output.trim().split("\n")[0] ?? "";
    expect({ code, endpoint }).toMatchObject({ code: 1, endpoint: expect.stringMatching(/^http:/) });
    // SIGKILL is delivered at once, but the port closes when the kernel has reaped the process.
    let serving = true;
    for (let i = 0; i < 50 && serving; i++) {
      serving = await answers(endpoint);
      if (serving) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(serving).toBe(false);
  }, 60_000);
});

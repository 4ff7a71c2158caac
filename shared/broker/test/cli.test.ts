import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBrokerToExit } from "./process.ts";

describe("haymaker-broker command line", () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), "haymaker-cli-"));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it("refuses a bad config file naming the entity and field, with exit code 2", async () => {
    const config = join(directory, "bad.json");
    writeFileSync(
      config,
      JSON.stringify({
        UserConfig: {
          Namespaces: [{ Name: "ns", Queues: [{ Name: "jobs", Properties: { MaxDeliveryCount: "three" } }] }],
        },
      }),
    );
    const { code, output } = await runBrokerToExit(["--port", "0", "--config", config, "--in-memory"]);
    expect(code).toBe(2);
    expect(output).toContain('Queues[0] "jobs".Properties.MaxDeliveryCount: expected a whole number');
    expect(output).not.toMatch(/\n\s+at /);
  });

  it("explains missing and conflicting options", async () => {
    expect((await runBrokerToExit([])).output).toContain("--config is required");
    const both = await runBrokerToExit(["--config", "x.json", "--data", "d", "--in-memory"]);
    expect(both.code).toBe(2);
    expect(both.output).toContain("either --data DIR or --in-memory");
    const missing = await runBrokerToExit(["--config", join(directory, "missing.json"), "--in-memory"]);
    expect(missing.output).toMatch(/cannot read the broker config .*missing\.json: ENOENT/);
    expect((await runBrokerToExit(["--bogus"])).output).toContain("Unknown option '--bogus'");
  });
});

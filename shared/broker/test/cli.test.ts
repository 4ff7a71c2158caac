import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configJson } from "./harness.ts";
import { runBrokerToExit, spawnBroker } from "./process.ts";

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

  it("keeps its generated key 0600 in the data directory, the same across restarts, and refuses a file others can read", async () => {
    const config = join(directory, "keys-config.json");
    writeFileSync(config, configJson({ queues: [{ Name: "q" }] }));
    const data = join(directory, "keyed");
    const first = await spawnBroker(["--port", "0", "--config", config, "--data", data]);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    const file = join(data, "authorization-rules.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const [root] = JSON.parse(readFileSync(file, "utf8")).rules;
    expect(root).toMatchObject({ name: "RootManageSharedAccessKey", rights: ["Manage", "Send", "Listen"] });
    expect(first.connectionString).toContain(`SharedAccessKey=${root.key};`);
    const second = await spawnBroker(["--port", "0", "--config", config, "--data", data]);
    second.child.kill("SIGTERM");
    await second.exited;
    expect(second.connectionString.replace(/:\d+;/, ";")).toBe(first.connectionString.replace(/:\d+;/, ";"));

    chmodSync(file, 0o644);
    const refused = await runBrokerToExit(["--port", "0", "--config", config, "--data", data]);
    expect(refused.code).toBe(2);
    expect(refused.output).toContain(`others may read it (mode 644); run: chmod 600 ${file}`);
    expect(refused.output).not.toContain(root.key);
  });

  it("serves the rules of a --keys file, and refuses a non-loopback --host without --expose", async () => {
    const config = join(directory, "keys-config.json");
    writeFileSync(config, configJson({ queues: [{ Name: "q" }] }));
    const keys = join(directory, "keys.json");
    writeFileSync(
      keys,
      JSON.stringify({ rules: [{ name: "ops", key: "k".repeat(44), rights: ["Manage"] }] }),
      {
        mode: 0o600,
      },
    );
    const broker = await spawnBroker(["--port", "0", "--config", config, "--in-memory", "--keys", keys]);
    broker.child.kill("SIGTERM");
    await broker.exited;
    expect(broker.connectionString).toContain(`SharedAccessKeyName=ops;SharedAccessKey=${"k".repeat(44)};`);

    writeFileSync(keys, JSON.stringify({ rules: [{ name: "ops", key: "short", rights: ["Manage"] }] }));
    const weak = await runBrokerToExit(["--port", "0", "--config", config, "--in-memory", "--keys", keys]);
    expect(weak.code).toBe(2);
    expect(weak.output).toContain('authorization rule "ops": the key must be at least 32 characters');

    const exposed = await runBrokerToExit([
      "--port",
      "0",
      "--config",
      config,
      "--in-memory",
      "--host",
      "0.0.0.0",
    ]);
    expect(exposed.code).toBe(2);
    expect(exposed.output).toContain("refusing to listen on 0.0.0.0: it is not a loopback address");
    expect(exposed.output).not.toMatch(/\n\s+at /);
  });
});

// The files the CLI reads to find the local stack are written as the CLI insists: 0600 files of their own,
// in a data directory nobody else may change, whatever was there before.
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteApiKeyStore } from "@haymaker/gateway/api-keys";
import { describe, expect, it } from "vitest";
import { ADMIN_KEY_FILE, ensureAdminKey } from "./admin-key.ts";
import { type LocalStackFile, writeLocalFile } from "./local-file.ts";

const CONTENTS: LocalStackFile = {
  pid: process.pid,
  startedAt: "2026-11-24T06:00:00.000Z",
  gateway: { url: "http://127.0.0.1:8080", apiKeyFile: "/data/admin-api-key" },
  broker: {
    port: 5672,
    connectionString: "Endpoint=sb://127.0.0.1",
    certificateFile: undefined,
    configFile: "c",
  },
  sandbox: {
    url: "http://127.0.0.1:8081",
    tenantId: "t",
    subscriptionId: "s",
    orchestrator: { clientId: "c", clientSecret: "x" },
  },
};

const modeOf = (path: string) => lstatSync(path).mode & 0o777;

describe("local.json and the admin key file", () => {
  it("replaces a readable local.json or link left behind with a new 0600 file, and no temporary file stays", async () => {
    const directory = mkdtempSync(join(tmpdir(), "local-file-"));
    const elsewhere = join(mkdtempSync(join(tmpdir(), "local-file-target-")), "target");
    writeFileSync(elsewhere, "");
    // A local.json made readable by hand, then one that is a link: both become a file of the stack's own.
    writeFileSync(join(directory, "local.json"), "{}", { mode: 0o644 });
    await writeLocalFile(directory, CONTENTS);
    expect(modeOf(join(directory, "local.json"))).toBe(0o600);
    // A link in its place: old code wrote the sandbox credentials through it, into the file it names.
    rmSync(join(directory, "local.json"));
    symlinkSync(elsewhere, join(directory, "local.json"));
    await writeLocalFile(directory, CONTENTS);
    expect(readFileSync(elsewhere, "utf8")).toBe("");
    expect(lstatSync(join(directory, "local.json")).isFile()).toBe(true);
    expect(modeOf(join(directory, "local.json"))).toBe(0o600);
    expect(JSON.parse(readFileSync(join(directory, "local.json"), "utf8"))).toEqual(
      JSON.parse(JSON.stringify(CONTENTS)),
    );
    expect(readdirSync(directory)).toEqual(["local.json"]);
  });

  it("takes group and other write access away from the data directory", async () => {
    const directory = mkdtempSync(join(tmpdir(), "local-file-"));
    chmodSync(directory, 0o775);
    await writeLocalFile(directory, CONTENTS);
    expect(modeOf(directory)).toBe(0o755);
  });

  it("writes a new admin key 0600 in place of a revoked one whose file was readable", async () => {
    const directory = mkdtempSync(join(tmpdir(), "admin-key-"));
    const file = await ensureAdminKey(directory);
    expect(file).toBe(join(directory, ADMIN_KEY_FILE));
    expect(modeOf(file)).toBe(0o600);
    const first = readFileSync(file, "utf8").trim();
    const keys = SqliteApiKeyStore.open(directory);
    try {
      const record = (await keys.list()).find((key) => key.name === "local-admin");
      await keys.revoke(record?.id ?? "");
    } finally {
      keys.close();
    }
    chmodSync(file, 0o644);
    expect(await ensureAdminKey(directory)).toBe(file);
    expect(readFileSync(file, "utf8").trim()).not.toBe(first);
    expect(modeOf(file)).toBe(0o600);
  });
});

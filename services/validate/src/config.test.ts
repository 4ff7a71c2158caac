import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ContainerAppsJobRuntime, ProcessRuntime } from "@haymaker/runtime";
import { BlobReportStore, FileReportStore, FileSecretStore, KeyVaultSecretStore } from "@haymaker/stores";
import { describe, expect, it, onTestFinished } from "vitest";
import { validateConfig } from "./config.ts";

const good = {
  HAYMAKER_SERVICEBUS_CONNECTION_STRING:
    "Endpoint=sb://localhost:5672;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true;",
  HAYMAKER_TENANT_ID: "0a1b2c3d-0000-4000-8000-000000000004",
  HAYMAKER_SUBSCRIPTION_ID: "11111111-2222-3333-4444-555555555555",
  HAYMAKER_CLIENT_ID: "haymaker",
  HAYMAKER_CLIENT_SECRET: "not-a-real-secret",
};

describe("validate settings", () => {
  it("checks local stores and local agents under the data directory unless Azure's are named", async () => {
    const dataDirectory = await mkdtemp(join(tmpdir(), "haymaker-validate-config-"));
    onTestFinished(() => rm(dataDirectory, { recursive: true, force: true }));
    const local = validateConfig({ ...good, HAYMAKER_DATA_DIR: dataDirectory });
    expect(local).toMatchObject({ dataDirectory, scenariosDirectory: "scenarios", logLevel: "info" });
    expect(local.secrets).toBeInstanceOf(FileSecretStore);
    expect(local.runtime).toBeInstanceOf(ProcessRuntime);
    expect(local.reports).toBeInstanceOf(FileReportStore);
    // The file report store is the data directory's.
    await local.reports.put("run-1", { json: {}, markdown: "# run-1" });
    expect(existsSync(join(dataDirectory, "reports", "run-1", "report.md"))).toBe(true);

    const azure = validateConfig({
      ...good,
      HAYMAKER_KEY_VAULT_URI: "https://contoso.vault.azure.net/",
      HAYMAKER_REPORTS_CONNECTION_STRING: "UseDevelopmentStorage=true",
      HAYMAKER_AGENT_JOB_ID: `/subscriptions/${good.HAYMAKER_SUBSCRIPTION_ID}/resourceGroups/hm/providers/Microsoft.App/jobs/agent`,
    });
    expect(azure.secrets).toBeInstanceOf(KeyVaultSecretStore);
    expect(azure.reports).toBeInstanceOf(BlobReportStore);
    expect(azure.runtime).toBeInstanceOf(ContainerAppsJobRuntime);
  });

  it("names every bad variable of every part at once — its own, the bus's, the cloud's, the runtime's, the stores' — and never a value", () => {
    const attempt = () =>
      validateConfig({
        HAYMAKER_SCENARIOS_DIR: "",
        HAYMAKER_SERVICEBUS_CONNECTION_STRING: "SharedAccessKey=hunter2",
        HAYMAKER_SUBSCRIPTION_ID: "not-a-guid",
        HAYMAKER_AGENT_GRACE: "two minutes",
        HAYMAKER_KEY_VAULT_URI: "https://contoso.vault.azure.net/?x=1",
        HAYMAKER_REPORTS_CONTAINER: "Not_A_Container",
      });
    expect(attempt).toThrow(/^validate cannot start/);
    expect(attempt).toThrow(/HAYMAKER_SCENARIOS_DIR: must not be empty/);
    expect(attempt).toThrow(/HAYMAKER_SERVICEBUS_CONNECTION_STRING: must start with Endpoint=sb:/);
    expect(attempt).toThrow(/HAYMAKER_SUBSCRIPTION_ID: must be a GUID/);
    expect(attempt).toThrow(/HAYMAKER_AGENT_GRACE: must be an ISO 8601 duration/);
    expect(attempt).toThrow(/HAYMAKER_KEY_VAULT_URI: must be a Key Vault's URI/);
    expect(attempt).toThrow(/HAYMAKER_REPORTS_CONTAINER: must be a container name/);
    expect(attempt).not.toThrow(/hunter2/);
  });
});

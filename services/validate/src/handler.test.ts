import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CloudControlError } from "@haymaker/cloud-control";
import { InMemoryCloudControl } from "@haymaker/cloud-control/testing";
import { newEvent } from "@haymaker/cloudevents";
import { type EventOf, EXAMPLE_DATA, loadScenarioCatalogue } from "@haymaker/contracts";
import { ProcessRuntime } from "@haymaker/runtime";
import { FileReportStore, FileSecretStore } from "@haymaker/stores";
import { describe, expect, it } from "vitest";
import type { ValidateDeps } from "./checks.ts";
import { validateRun } from "./handler.ts";

const SCENARIOS = fileURLToPath(new URL("../../../scenarios", import.meta.url));

function requested(data: Partial<EventOf<"run.requested">["data"]>): EventOf<"run.requested"> {
  const merged = { ...EXAMPLE_DATA["run.requested"], ...data };
  if (data.scenarios) delete (merged as { size?: unknown }).size;
  return newEvent("run.requested", {
    source: "/haymaker/gateway",
    data: merged as EventOf<"run.requested">["data"],
  });
}

function deps(overrides: Partial<ValidateDeps> = {}): ValidateDeps & { cloud: InMemoryCloudControl } {
  const dir = mkdtempSync(join(tmpdir(), "validate-"));
  return {
    cloud: new InMemoryCloudControl(),
    secrets: new FileSecretStore(dir),
    reports: new FileReportStore(dir),
    runtime: new ProcessRuntime({ directory: join(dir, "agents"), command: process.execPath, args: [] }),
    loadCatalogue: () => loadScenarioCatalogue(SCENARIOS),
    ...overrides,
  } as ValidateDeps & { cloud: InMemoryCloudControl };
}

describe("validate", () => {
  it("validates a run whose every check passes, listing each check, under a deterministic id", async () => {
    const run = requested({ scenarios: ["nsg-rule-tuning", "vm-start-stop"] });
    const outcome = await validateRun(run, deps());
    expect(outcome.type).toBe("com.haymaker.run.validated.v1");
    const data = outcome.data as EventOf<"run.validated">["data"];
    expect(data.checks.map((c) => [c.name, c.ok])).toEqual([
      ["scenario-catalogue", true],
      ["requested-scenarios", true],
      ["cloud-credentials", true],
      ["secret-store", true],
      ["report-store", true],
      ["agent-runtime", true],
    ]);
    expect(data.scenarios).toEqual(["nsg-rule-tuning", "vm-start-stop"]);
    expect(outcome.causationid).toBe(run.id);
    expect((await validateRun(run, deps())).id).toBe(outcome.id);
  });

  it("rejects naming every failed check: unknown scenarios, refused credentials, a missing agent program", async () => {
    const d = deps({
      runtime: new ProcessRuntime({
        directory: mkdtempSync(join(tmpdir(), "validate-agents-")),
        command: process.execPath,
        args: ["/nonexistent/haymaker-agent.js"],
      }),
    });
    d.cloud.check = async () => {
      throw new CloudControlError("Listing resource groups failed (HTTP 401 InvalidAuthenticationToken)", {
        status: 401,
      });
    };
    const outcome = await validateRun(
      requested({ scenarios: ["vm-ghost", "nsg-rule-tuning", "db-phantom"] }),
      d,
    );
    expect(outcome.type).toBe("com.haymaker.run.rejected.v1");
    const failed = (outcome.data as EventOf<"run.rejected">["data"]).failedChecks;
    expect(failed.map((c) => c.name)).toEqual(["requested-scenarios", "cloud-credentials", "agent-runtime"]);
    expect(failed[0]?.message).toMatch(/vm-ghost, db-phantom/);
    expect(failed[1]?.message).toMatch(/401 InvalidAuthenticationToken/);
    expect(failed[2]?.message).toMatch(/agent program \/nonexistent\/haymaker-agent\.js/);
  });

  it("validates runs side by side without one run's store probe disturbing another's", async () => {
    const shared = deps();
    const runs = Array.from({ length: 8 }, (_, i) =>
      requested({ runId: `run-side-by-side-${i}`, size: "small" }),
    );
    const outcomes = await Promise.all(runs.map((run) => validateRun(run, shared)));
    expect(outcomes.map((o) => o.type)).toEqual(runs.map(() => "com.haymaker.run.validated.v1"));
  });

  it("warns, without rejecting, when the size asks for more scenarios than the catalogue has", async () => {
    const outcome = await validateRun(requested({ size: "large" }), deps());
    expect(outcome.type).toBe("com.haymaker.run.validated.v1");
    const check = (outcome.data as EventOf<"run.validated">["data"]).checks.find(
      (c) => c.name === "catalogue-size",
    );
    expect(check).toMatchObject({ ok: false, detail: expect.stringMatching(/asks for 30 .* has 15/) });
  });

  it("rejects when the catalogue cannot be loaded", async () => {
    const outcome = await validateRun(
      requested({ size: "small" }),
      deps({ loadCatalogue: () => loadScenarioCatalogue("/nonexistent/scenarios") }),
    );
    expect(outcome.type).toBe("com.haymaker.run.rejected.v1");
    expect((outcome.data as EventOf<"run.rejected">["data"]).failedChecks[0]).toMatchObject({
      name: "scenario-catalogue",
      message: expect.stringMatching(/ENOENT/),
    });
  });
});

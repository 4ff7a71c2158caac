// The local stack's supervision of its services, with a stand-in service and short pauses: restarts back
// off and start again from the shortest after a steady run, stop() cancels pending restarts and kills what
// ignores SIGTERM, and each service gets only the credentials it declares.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  type Credential,
  LOCAL_SERVICES,
  type RestartPolicy,
  type ServiceEnvironment,
  type ServiceSpec,
  serviceEnvironment,
  startServices,
} from "./services.ts";

const FIXTURE = fileURLToPath(new URL("../test/fixtures/flaky-service.mjs", import.meta.url));
const FAST: RestartPolicy = { firstDelayMs: 50, maxDelayMs: 5000, steadyAfterMs: 3000, stopGraceMs: 500 };
const ORCHESTRATOR_SECRET = "orchestrator-secret-value";

function run(fixture: Record<string, string>, policy = FAST, specs?: ServiceSpec[]) {
  const log = join(mkdtempSync(join(tmpdir(), "haymaker-services-")), "starts");
  const lines: string[] = [];
  const services = startServices(
    specs ?? [{ name: "flaky", entry: FIXTURE, needs: [] }],
    {
      shared: { FIXTURE_LOG: log, ...fixture },
      credentials: {
        orchestrator: { HAYMAKER_CLIENT_ID: "orchestrator-id", HAYMAKER_CLIENT_SECRET: ORCHESTRATOR_SECRET },
        agentBus: { HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING: "agent-bus-connection" },
        agentRunner: { HAYMAKER_CLIENT_ID: "runner-id", HAYMAKER_CLIENT_SECRET: "runner-secret" },
        reports: { HAYMAKER_REPORTS_CONNECTION_STRING: "reports-connection" },
        state: { HAYMAKER_COSMOS_KEY: "cosmos-key" },
      },
    },
    (line) => lines.push(line),
    policy,
  );
  const starts = () => {
    try {
      return readFileSync(log, "utf8").split("\n").filter(Boolean);
    } catch {
      return [];
    }
  };
  return { services, lines, starts };
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; ) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const pauses = (lines: string[]) => lines.flatMap((line) => /restarting in ([\d.]+)s/.exec(line)?.[1] ?? []);

describe("the local stack's services", () => {
  it("doubles the pause with each crash in a row, and starts again from the shortest after a steady run", async () => {
    // Four quick crashes, one run longer than steadyAfterMs, one more quick crash, then up for good.
    const { services, lines, starts } = run({ FIXTURE_LIFETIMES: "0,0,0,0,4000,0,forever" });
    try {
      await until(() => starts().length === 7, "the seventh start");
      expect(pauses(lines)).toEqual(["0.05", "0.1", "0.2", "0.4", "0.05", "0.1"]);
    } finally {
      await services.stop();
    }
  }, 60_000);

  it("cancels a pending restart on stop", async () => {
    const { services, lines, starts } = run(
      { FIXTURE_LIFETIMES: "0,forever" },
      { ...FAST, firstDelayMs: 500 },
    );
    await until(() => pauses(lines).length === 1, "the first crash");
    await services.stop();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(starts()).toHaveLength(1);
  });

  it("kills a service that ignores SIGTERM once the stop grace has passed", async () => {
    const { services, starts } = run({ FIXTURE_IGNORE_TERM: "1" });
    await until(() => starts().length === 1, "the start");
    const pid = Number(starts()[0]?.split(" ")[2]);
    const began = Date.now();
    await services.stop();
    expect(Date.now() - began).toBeGreaterThanOrEqual(FAST.stopGraceMs - 20);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it("gives the orchestrator credential only to the services that need it, and of make run's environment only settings", async () => {
    const fromShell = { HAYMAKER_RUN_SIZE: "large", GITHUB_TOKEN: "ghp_fake", HAYMAKER_API_KEY: "hm_fake" };
    Object.assign(process.env, fromShell);
    const spec = (name: string, needs: Credential[]): ServiceSpec => ({ name, entry: FIXTURE, needs });
    const { services, lines } = run({ FIXTURE_PRINT_ENV: "1" }, FAST, [
      spec("manages-cloud", ["orchestrator"]),
      spec("reads-only", []),
    ]);
    try {
      await until(() => lines.filter((line) => line.includes("| env ")).length === 2, "both environments");
      const names = (service: string) =>
        lines
          .find((line) => line.startsWith(service))
          ?.split("| env ")[1]
          ?.split(",") ?? [];
      expect(names("manages-cloud")).toEqual(
        expect.arrayContaining(["HAYMAKER_CLIENT_ID", "HAYMAKER_CLIENT_SECRET"]),
      );
      expect(names("reads-only")).not.toContain("HAYMAKER_CLIENT_SECRET");
      expect(names("reads-only")).not.toContain("HAYMAKER_CLIENT_ID");
      for (const service of ["manages-cloud", "reads-only"]) {
        expect(names(service)).toEqual(expect.arrayContaining(["PATH", "HAYMAKER_RUN_SIZE", "FIXTURE_LOG"]));
        expect(names(service)).not.toContain("GITHUB_TOKEN");
        expect(names(service)).not.toContain("HAYMAKER_API_KEY");
      }
    } finally {
      for (const name of Object.keys(fromShell)) delete process.env[name];
      await services.stop();
    }
  });

  it("hands each of HAYMAKER_PROFILE=azure's credentials to the services that declare it and to no other", () => {
    // Every credential as the Azure profile fills it, each value telling which credential it came from.
    const credentials: ServiceEnvironment["credentials"] = {
      orchestrator: { HAYMAKER_CLIENT_ID: "orchestrator-id", HAYMAKER_CLIENT_SECRET: "orchestrator-secret" },
      agentBus: { HAYMAKER_AGENT_SERVICEBUS_CONNECTION_STRING: "agentBus-connection" },
      agentRunner: { HAYMAKER_CLIENT_ID: "agentRunner-id", HAYMAKER_CLIENT_SECRET: "agentRunner-secret" },
      reports: { HAYMAKER_REPORTS_CONNECTION_STRING: "reports-connection" },
      state: { HAYMAKER_COSMOS_ENDPOINT: "state-endpoint", HAYMAKER_COSMOS_KEY: "state-key" },
    };
    for (const service of LOCAL_SERVICES) {
      const env = serviceEnvironment(service, { shared: {}, credentials }, {});
      for (const credential of Object.keys(credentials) as Credential[]) {
        const holds = Object.values(env).some((value) => value.startsWith(`${credential}-`));
        expect({ service: service.name, credential, holds }).toEqual({
          service: service.name,
          credential,
          holds: service.needs.includes(credential),
        });
      }
    }
  });

  it("refuses to start a service whose credentials set one variable twice, naming both", () => {
    const both: ServiceSpec = { name: "confused", entry: FIXTURE, needs: ["orchestrator", "agentRunner"] };
    const credentials = {
      orchestrator: { HAYMAKER_CLIENT_ID: "a" },
      agentBus: {},
      agentRunner: { HAYMAKER_CLIENT_ID: "b" },
      reports: {},
      state: {},
    };
    expect(() => startServices([both], { shared: {}, credentials }, () => {})).toThrow(
      "the local stack cannot start confused: its credentials orchestrator and agentRunner both set HAYMAKER_CLIENT_ID",
    );
  });
});

// The checks validate runs before a run may start. Each one proves something the run will need, with the
// same ports the later phases use, and fails with a one-line message that names the problem.
import type { CloudControl } from "@haymaker/cloud-control";
import {
  AGENTS_PER_SIZE,
  type RunRequestedData,
  type Scenario,
  type ScenarioCatalogue,
} from "@haymaker/contracts";
import type { AgentRuntime } from "@haymaker/runtime";
import type { ReportStore, SecretStore } from "@haymaker/stores";

export interface ValidateDeps {
  cloud: CloudControl;
  secrets: SecretStore;
  reports: ReportStore;
  runtime: AgentRuntime;
  /** Loads the catalogue afresh, so scenarios added since the service started are seen. */
  loadCatalogue(): Promise<ScenarioCatalogue>;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  /** Blocking checks reject the run when they fail; the others are warnings on run.validated. */
  blocking: boolean;
  detail: string;
}

/** A dependency that does not answer in time fails its check instead of holding the run. */
export const CHECK_TIMEOUT_MS = 20_000;

export async function runChecks(run: RunRequestedData, deps: ValidateDeps): Promise<CheckResult[]> {
  const catalogue = await check("scenario-catalogue", true, async () => {
    const loaded = await deps.loadCatalogue();
    if (loaded.errors.length > 0) {
      throw new Error(`${loaded.errors.length} scenario file(s) invalid: ${loaded.errors[0]?.message ?? ""}`);
    }
    if (loaded.scenarios.size === 0) throw new Error("the scenario catalogue is empty");
    return { detail: `${loaded.scenarios.size} scenarios`, value: loaded.scenarios };
  });
  const results: CheckResult[] = [catalogue.result];
  if (catalogue.value !== undefined) results.push(scenarioCheck(run, catalogue.value));

  const others = await Promise.all([
    check("cloud-credentials", true, async () => {
      await deps.cloud.check();
      return { detail: `can act in subscription ${deps.cloud.subscriptionId}` };
    }),
    check("secret-store", true, async () => {
      // Write, read back and delete a probe: provision and cleanup need all three.
      // One probe per run: runs validated at the same time must not read each other's probe.
      const value = `probe-${Date.now()}`;
      const ref = await deps.secrets.put(`haymaker-probe-${run.runId}`, value);
      if ((await deps.secrets.get(ref)) !== value) throw new Error("a stored secret read back differently");
      await deps.secrets.delete(ref);
      return { detail: "write, read and delete work" };
    }),
    check("report-store", true, async () => {
      const reports = await deps.reports.list();
      return { detail: `${reports.length} reports stored` };
    }),
    check("agent-runtime", true, async () => {
      await deps.runtime.check();
      return { detail: "agents can be started" };
    }),
  ]);
  return [...results, ...others.map((o) => o.result)];
}

function scenarioCheck(run: RunRequestedData, scenarios: ReadonlyMap<string, Scenario>): CheckResult {
  if (run.scenarios !== undefined) {
    const missing = run.scenarios.filter((id) => !scenarios.has(id));
    return missing.length === 0
      ? { name: "requested-scenarios", ok: true, blocking: true, detail: `all ${run.scenarios.length} exist` }
      : {
          name: "requested-scenarios",
          ok: false,
          blocking: true,
          detail: `not in the catalogue: ${missing.join(", ")} (see GET /api/scenarios for the ids)`,
        };
  }
  const wanted = AGENTS_PER_SIZE[run.size ?? "small"];
  // select takes distinct scenarios, so a size larger than the catalogue runs every scenario once.
  return wanted <= scenarios.size
    ? {
        name: "catalogue-size",
        ok: true,
        blocking: false,
        detail: `${wanted} of ${scenarios.size} scenarios`,
      }
    : {
        name: "catalogue-size",
        ok: false,
        blocking: false,
        detail: `size ${run.size} asks for ${wanted} scenarios but the catalogue has ${scenarios.size}; all of them will run`,
      };
}

async function check<T>(
  name: string,
  blocking: boolean,
  probe: () => Promise<{ detail: string; value?: T }>,
): Promise<{ result: CheckResult; value?: T }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS / 1000} s`)),
      CHECK_TIMEOUT_MS,
    );
  });
  try {
    const { detail, value } = await Promise.race([probe(), timeout]);
    return { result: { name, ok: true, blocking, detail }, ...(value === undefined ? {} : { value }) };
  } catch (error) {
    return { result: { name, ok: false, blocking, detail: oneLine(error) } };
  } finally {
    clearTimeout(timer);
  }
}

/** The first line of an error, bounded: enough to act on, never a stack trace. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split("\n")[0] ?? "").slice(0, 500) || "failed without a message";
}

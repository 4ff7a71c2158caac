// The phase services the local stack runs, each as its own process — as in Azure, where each is its own
// Container Apps job — sharing only the bus. A service that dies is restarted after a pause that grows
// with each crash in a row, so one broken handler cannot spin the machine, and that starts again from the
// shortest once the service has run steadily; every line it writes is passed on. Each service gets the
// credentials it declares it needs and nothing else: an agent started by deploy, or any service, never sees
// HayMaker's own Azure credential unless it signs in with it.
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { isSensitiveField } from "@haymaker/contracts";

const require = createRequire(import.meta.url);

/**
 * Credentials the stack hands only to the services that declare them. agentBus is the send-only bus
 * connection deploy passes on to the agents it starts (never its own). The others exist in HayMaker's
 * Azure profile only (empty otherwise): agentRunner may start, watch and stop agent job executions and
 * nothing else; reports opens the report store (Azurite's account key); state opens Cosmos DB (projections,
 * ledgers, API keys, replay operations, rate limits).
 */
export type Credential = "orchestrator" | "agentBus" | "agentRunner" | "reports" | "state";

export interface ServiceSpec {
  name: string;
  /** The script that runs the service. */
  entry: string;
  /** The credentials it needs, e.g. "orchestrator": it signs in to the cloud as HayMaker itself. */
  needs: readonly Credential[];
}

function workspaceService(name: string, needs: readonly Credential[] = []): ServiceSpec {
  const root = dirname(require.resolve(`@haymaker/${name}/package.json`));
  return { name, entry: join(root, `bin/haymaker-${name}.js`), needs };
}

/**
 * The services `make run` starts: every phase, the projector and the gateway. The orchestrator credential
 * goes to those that manage the cloud (cloudControlFromEnv in their config.ts); deploy starts agents and
 * the gateway only reads projections, so neither holds it.
 */
export const LOCAL_SERVICES: readonly ServiceSpec[] = [
  workspaceService("scheduler"),
  workspaceService("validate", ["orchestrator", "reports"]),
  workspaceService("select"),
  workspaceService("provision", ["orchestrator", "state"]),
  workspaceService("deploy", ["agentBus", "agentRunner"]),
  workspaceService("monitor", ["agentRunner", "state"]),
  workspaceService("verify-cleanup", ["orchestrator"]),
  workspaceService("force-cleanup", ["orchestrator"]),
  workspaceService("report", ["orchestrator", "reports", "state"]),
  workspaceService("projector", ["state"]),
  workspaceService("gateway", ["reports", "state"]),
];

export interface ServiceEnvironment {
  /** Settings every service gets. */
  shared: Record<string, string>;
  /** Each credential's variables, given only to the services that need it. */
  credentials: Record<Credential, Record<string, string>>;
}

export interface RestartPolicy {
  /** The pause before the first restart; it doubles with each crash in a row. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A service that ran this long before it died was steady: its next pause is the first one again. */
  steadyAfterMs: number;
  /** How long stop() lets a service shut down after SIGTERM before it kills it. */
  stopGraceMs: number;
}

export const RESTART_POLICY: RestartPolicy = {
  firstDelayMs: 1000,
  maxDelayMs: 30_000,
  steadyAfterMs: 60_000,
  stopGraceMs: 10_000,
};

// What a service may take from `make run`'s own environment: what Node and the OS need, and HayMaker's
// settings (HAYMAKER_SCHEDULE, HAYMAKER_AGENT_COMMAND…) — never a credential (the stack hands each service
// the ones it needs) nor anything else a developer's shell holds (cloud keys, tokens).
const SYSTEM_VARIABLE =
  /^(?:PATH|HOME|USER|LOGNAME|TMPDIR|TMP|TEMP|TZ|LANG|LANGUAGE|LC_[A-Z]+|TERM|NO_COLOR|FORCE_COLOR|NODE_OPTIONS|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR)$/;

export function inheritedEnvironment(env: Record<string, string | undefined>): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const setting = name.startsWith("HAYMAKER_") && !isSensitiveField(name);
    if (setting || SYSTEM_VARIABLE.test(name)) inherited[name] = value;
  }
  return inherited;
}

/**
 * A service's whole environment: what it inherits, the shared settings, and the credentials it declares.
 * Two of its credentials may not set one variable (orchestrator and agentRunner both are HAYMAKER_CLIENT_ID
 * and HAYMAKER_CLIENT_SECRET): one would silently replace the other, and the service sign in as the wrong
 * identity.
 */
export function serviceEnvironment(
  service: ServiceSpec,
  environment: ServiceEnvironment,
  inherited: Record<string, string>,
): Record<string, string> {
  const credentials: Record<string, string> = {};
  const from = new Map<string, Credential>();
  for (const credential of service.needs) {
    for (const [name, value] of Object.entries(environment.credentials[credential])) {
      const earlier = from.get(name);
      if (earlier !== undefined) {
        throw new Error(
          `the local stack cannot start ${service.name}: its credentials ${earlier} and ${credential} both set ${name}; give it only one of them in LOCAL_SERVICES`,
        );
      }
      from.set(name, credential);
      credentials[name] = value;
    }
  }
  return { ...inherited, ...environment.shared, ...credentials };
}

export interface RunningServices {
  stop(): Promise<void>;
}

export function startServices(
  services: readonly ServiceSpec[],
  environment: ServiceEnvironment,
  write: (line: string) => void,
  policy: RestartPolicy = RESTART_POLICY,
): RunningServices {
  let stopping = false;
  const children = new Map<string, ChildProcess>();
  const pendingRestarts = new Set<NodeJS.Timeout>();
  const inherited = inheritedEnvironment(process.env);
  // Built before any service starts, so a service given two credentials of one name stops the stack at once.
  const environments = new Map(
    services.map((service) => [service.name, serviceEnvironment(service, environment, inherited)]),
  );

  const launch = (service: ServiceSpec, crashesInARow: number) => {
    if (stopping) return;
    const child = spawn(process.execPath, [service.entry], {
      env: environments.get(service.name),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const startedAt = Date.now();
    children.set(service.name, child);
    const prefix = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n"))
        if (line.trim()) write(`${service.name.padEnd(14)} | ${line}`);
    };
    child.stdout?.on("data", prefix);
    child.stderr?.on("data", prefix);
    child.once("exit", (code, signal) => {
      children.delete(service.name);
      if (stopping) return;
      const crashes = Date.now() - startedAt >= policy.steadyAfterMs ? 0 : crashesInARow;
      const delay = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** crashes);
      write(`${service.name.padEnd(14)} | exited (${signal ?? code}); restarting in ${delay / 1000}s`);
      const timer = setTimeout(() => {
        pendingRestarts.delete(timer);
        launch(service, crashes + 1);
      }, delay);
      timer.unref();
      pendingRestarts.add(timer);
    });
  };
  for (const service of services) launch(service, 0);

  return {
    async stop() {
      stopping = true;
      for (const timer of pendingRestarts) clearTimeout(timer);
      pendingRestarts.clear();
      await Promise.all([...children.values()].map((child) => stopChild(child, policy.stopGraceMs)));
    },
  };
}

/** SIGTERM, then SIGKILL if the service has not ended after the grace period; resolves once it has. */
function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

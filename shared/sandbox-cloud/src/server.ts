// Starts the sandbox cloud: the token endpoint, Microsoft Graph (/v1.0) and ARM on one loopback port.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { handleArmRequest } from "./arm/dispatch.ts";
import { ownerScopeProblem } from "./arm/owner-scope.ts";
import { ArmThrottle } from "./arm/throttle.ts";
import { Callers } from "./auth/callers.ts";
import { type PrincipalRegistration, Principals } from "./auth/principals.ts";
import { registerTokenRoute } from "./auth/token-route.ts";
import { Authorizer } from "./authorization/authorizer.ts";
import type { ContainerImage } from "./container-apps/execution-runner.ts";
import { openContainerApps } from "./container-apps/open-container-apps.ts";
import { type FaultOptions, Faults } from "./faults.ts";
import { handleGraphRequest } from "./graph/dispatch.ts";
import { openKeyVaults } from "./key-vault/open-key-vaults.ts";
import { IDENTITY_ENDPOINT_PATH, registerIdentityEndpoint } from "./managed-identity/token-endpoint.ts";
import { type Realism, realismWith } from "./realism.ts";
import { ActivityStore } from "./store/activity-store.ts";
import { ApplicationStore } from "./store/application-store.ts";
import { DirectoryAuditStore } from "./store/directory-audit-store.ts";
import { openDatabase } from "./store/open-database.ts";
import { ProviderStore } from "./store/provider-store.ts";
import { RecycleBinStore } from "./store/recycle-bin-store.ts";
import { Replication } from "./store/replication-store.ts";
import { ResourceStore } from "./store/resource-store.ts";
import { RoleAssignmentStore } from "./store/role-assignment-store.ts";
import { loadIdentity } from "./store/sandbox-identity.ts";
import { ServicePrincipalStore } from "./store/service-principal-store.ts";

export interface SandboxCloudOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Keep state in `<dataDirectory>/sandbox-cloud.sqlite`; in memory when left out. */
  dataDirectory?: string;
  /** The tenant to answer as. Generated once (and kept in the data directory) when left out. */
  tenantId?: string;
  /** The one subscription ARM serves. Generated once (and kept in the data directory) when left out. */
  subscriptionId?: string;
  /** Fail a share of management calls on purpose; see FaultOptions. */
  faults?: FaultOptions;
  /** Which of Azure's documented behaviours to reproduce (see realism.ts); none when left out. */
  realism?: Partial<Realism>;
  /**
   * The local programs Container Apps job executions run, by image name (e.g.
   * `{ "haymaker.local/agent": { command: process.execPath, args: ["agent.js"] } }`). An image not listed
   * cannot be pulled: its execution waits and fails at its replica timeout, as in Azure.
   */
  containerImages?: Record<string, ContainerImage>;
  /** Between SIGTERM and SIGKILL when an execution is stopped; Container Apps' default of 30 s when left out. */
  executionGraceMs?: number;
  /**
   * Where an internal failure is described (one entry: the method, the path and the error's stack),
   * since the answer itself never carries it. Standard error when left out.
   */
  log?: (line: string) => void;
}

export interface SandboxCloud {
  /** `http://127.0.0.1:<port>`: the ARM endpoint, the Graph base URL and the token authority host. */
  url: string;
  tenantId: string;
  subscriptionId: string;
  /** The behaviours of Azure this sandbox reproduces. */
  realism: Realism;
  /** Registers (or updates) a bootstrap principal: HayMaker's own identity. */
  registerPrincipal(registration: PrincipalRegistration): void;
  /** Replaces the fault configuration; undefined turns faults off. */
  setFaults(faults: FaultOptions | undefined): void;
  /** Where a job execution's container writes its output (standard output and error). */
  executionLogFile(executionName: string, containerName: string): string;
  /** Stops running job executions (SIGTERM, SIGKILL after the grace), then the server. */
  close(): Promise<void>;
}

/** The one sentence a 500 answers with. */
const internalErrorMessage = "The sandbox cloud failed to process the request. Its log has the details.";

export async function startSandboxCloud(options: SandboxCloudOptions = {}): Promise<SandboxCloud> {
  // Validated before anything is opened, so a bad configuration leaks nothing.
  const faults = new Faults(options.faults);
  const realism = realismWith(options.realism);
  const db = openDatabase(options.dataDirectory);
  let identity: ReturnType<typeof loadIdentity>;
  try {
    identity = loadIdentity(db, {
      ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
      ...(options.subscriptionId === undefined ? {} : { subscriptionId: options.subscriptionId }),
    });
  } catch (error) {
    db.close();
    throw error;
  }
  const principals = new Principals(db);
  const applications = new ApplicationStore(db, "haymaker-sandbox.onmicrosoft.com");
  const servicePrincipals = new ServicePrincipalStore(db, identity.tenantId);
  const callers = new Callers(principals, applications, servicePrincipals);
  const assignments = new RoleAssignmentStore(db);
  const replication = new Replication(db, realism.replicationDelayMs);
  let url = "";
  const baseUrl = () => url;

  const app = new Hono();
  let containerApps: ReturnType<typeof openContainerApps>;
  try {
    containerApps = openContainerApps(db, {
      images: options.containerImages ?? {},
      dataDirectory: options.dataDirectory,
      graceMs: options.executionGraceMs,
      identityEndpoint: () => `${url}${IDENTITY_ENDPOINT_PATH}`,
    });
  } catch (error) {
    db.close();
    throw error;
  }
  registerIdentityEndpoint(app, { runner: containerApps.runner, principals, servicePrincipals });
  registerTokenRoute(app, {
    tenantId: identity.tenantId,
    principals,
    applications,
    servicePrincipals,
    replication,
  });
  const graph = {
    callers,
    principals,
    applications,
    servicePrincipals,
    audits: new DirectoryAuditStore(db),
    replication,
    recycleBin: new RecycleBinStore(db),
    faults,
    realism,
    baseUrl,
  };
  app.all("/v1.0/*", (c) => handleGraphRequest(c, graph));
  const resources = new ResourceStore(db);
  const keyVaults = openKeyVaults(db, {
    tenantId: identity.tenantId,
    subscriptionId: identity.subscriptionId,
    authorityHost: baseUrl,
    callers,
    allowsData: (caller, dataAction, scope) => arm.authorizer.allowsData(caller, dataAction, scope),
    resources,
    operationDelayMs: realism.keyVaultOperationDelayMs,
    log: (line) => log(line),
  });
  const arm = {
    db,
    identity,
    callers,
    authorizer: new Authorizer(assignments, replication),
    resources,
    assignments,
    servicePrincipals,
    replication,
    providers: new ProviderStore(db),
    activity: new ActivityStore(db, identity.tenantId),
    faults,
    realism,
    throttle: new ArmThrottle(realism.throttling),
    baseUrl,
    containerApps: { store: containerApps.store, runner: containerApps.runner },
    principals,
    keyVaults,
  };
  app.all("*", (c) => handleArmRequest(c, arm));
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  app.onError((error, c) => {
    // The cause goes to the log, never on the wire: an error's text can name internals (SQL, file
    // paths) a caller has no business seeing. Only the method and path of the request are logged, never
    // its headers (the bearer token) or body (secrets sent to Graph).
    log(
      `sandbox-cloud: internal error answering ${c.req.method} ${new URL(c.req.url).pathname}: ${error.stack ?? `${error.name}: ${error.message}`}`,
    );
    return c.json({ error: { code: "InternalServerError", message: internalErrorMessage } }, 500);
  });

  // Loopback only: the sandbox has no TLS and its tokens are bearer secrets.
  let server: ReturnType<typeof serve>;
  try {
    server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: "127.0.0.1" }, () => resolve(s));
      s.once("error", reject);
    });
  } catch (error) {
    // A port already taken: nothing runs yet, but the database and the executions' log directory are open.
    await containerApps.close();
    db.close();
    throw error;
  }
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Vaults kept in a data directory are served again, each on its own port.
  await keyVaults.restore();

  return {
    url,
    tenantId: identity.tenantId,
    subscriptionId: identity.subscriptionId,
    realism,
    registerPrincipal: (registration) => {
      for (const scope of registration.subscriptionScopes) {
        const problem = ownerScopeProblem(scope);
        if (problem !== undefined) throw new Error(`registerPrincipal: ${problem}`);
      }
      principals.register(registration);
    },
    setFaults: (next) => faults.configure(next),
    executionLogFile: (executionName, containerName) =>
      containerApps.runner.logFile(executionName, containerName),
    close: async () => {
      await containerApps.close();
      await keyVaults.closeAll();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => {
          db.close();
          if (error) reject(error);
          else resolve();
        });
        // Keep-alive sockets from SDK clients would otherwise hold close() open.
        if ("closeAllConnections" in server) server.closeAllConnections();
      });
    },
  };
}

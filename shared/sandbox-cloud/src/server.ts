// Starts the sandbox cloud: the token endpoint, Microsoft Graph (/v1.0) and ARM on one loopback port.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { handleArmRequest } from "./arm/dispatch.ts";
import { ArmThrottle } from "./arm/throttle.ts";
import { ownerScopeProblem } from "./arm/owner-scope.ts";
import { Callers } from "./auth/callers.ts";
import { type PrincipalRegistration, Principals } from "./auth/principals.ts";
import { registerTokenRoute } from "./auth/token-route.ts";
import { Authorizer } from "./authorization/authorizer.ts";
import { type FaultOptions, Faults } from "./faults.ts";
import { handleGraphRequest } from "./graph/dispatch.ts";
import { type Realism, realismWith } from "./realism.ts";
import { ActivityStore } from "./store/activity-store.ts";
import { ApplicationStore } from "./store/application-store.ts";
import { DirectoryAuditStore } from "./store/directory-audit-store.ts";
import { openDatabase } from "./store/open-database.ts";
import { ProviderStore } from "./store/provider-store.ts";
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
  let url = "";
  const baseUrl = () => url;

  const app = new Hono();
  registerTokenRoute(app, { tenantId: identity.tenantId, principals, applications, servicePrincipals });
  const graph = {
    callers,
    principals,
    applications,
    servicePrincipals,
    audits: new DirectoryAuditStore(db),
    faults,
    realism,
    baseUrl,
  };
  app.all("/v1.0/*", (c) => handleGraphRequest(c, graph));
  const arm = {
    db,
    identity,
    callers,
    authorizer: new Authorizer(assignments),
    resources: new ResourceStore(db),
    assignments,
    servicePrincipals,
    providers: new ProviderStore(db),
    activity: new ActivityStore(db, identity.tenantId),
    faults,
    realism,
    throttle: new ArmThrottle(realism.throttling),
    baseUrl,
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
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: "127.0.0.1" }, () => resolve(s));
    s.once("error", reject);
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

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
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          db.close();
          if (error) reject(error);
          else resolve();
        });
        // Keep-alive sockets from SDK clients would otherwise hold close() open.
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}

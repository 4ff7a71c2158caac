// Starts the sandbox cloud: the token endpoint and the ARM surface on one loopback port.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { handleArmRequest } from "./arm/dispatch.ts";
import { type PrincipalRegistration, Principals } from "./auth/principals.ts";
import { registerTokenRoute } from "./auth/token-route.ts";
import { ActivityStore } from "./store/activity-store.ts";
import { openDatabase } from "./store/open-database.ts";
import { ResourceStore } from "./store/resource-store.ts";

export interface SandboxCloudOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Keep state in `<dataDirectory>/sandbox-cloud.sqlite`; in memory when left out. */
  dataDirectory?: string;
}

export interface SandboxCloud {
  /** `http://127.0.0.1:<port>`: both the ARM endpoint and the token authority host. */
  url: string;
  registerPrincipal(registration: PrincipalRegistration): void;
  close(): Promise<void>;
}

export async function startSandboxCloud(options: SandboxCloudOptions = {}): Promise<SandboxCloud> {
  const db = openDatabase(options.dataDirectory);
  const principals = new Principals(db);
  const resources = new ResourceStore(db);
  const activity = new ActivityStore(db);
  let url = "";

  const app = new Hono();
  registerTokenRoute(app, principals);
  app.all("*", (c) => handleArmRequest(c, { db, principals, resources, activity, baseUrl: () => url }));
  app.onError((error, c) =>
    // Never a stack trace on the wire; the envelope is enough for the SDK to raise a RestError.
    c.json({ error: { code: "InternalServerError", message: error.message } }, 500),
  );

  // Loopback only: the sandbox has no TLS and its tokens are bearer secrets.
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: "127.0.0.1" }, () => resolve(s));
    s.once("error", reject);
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    registerPrincipal: (registration) => principals.register(registration),
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

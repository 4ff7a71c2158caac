// Each vault's data plane listens on a loopback port of its own, its vaultUri `http://127.0.0.1:<port>/`:
// the SDK reads a secret id as `<origin>/secrets/<name>/<version>`, so a vault cannot live under a path
// prefix of the sandbox's own origin. A vault is served from its create until its delete (or its group's),
// and again after a restart on the same data directory: on the port it had when that port is free, else
// on a new one, written back into its vaultUri.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import type { ArmResource, ResourceStore } from "../store/resource-store.ts";
import type { DataPlaneEnv } from "./data-plane.ts";
import type { VaultSecretStore } from "./vault-secret-store.ts";

export const VAULT_TYPE = "Microsoft.KeyVault/vaults";

type Server = ReturnType<typeof serve>;

export class VaultHosts {
  readonly #app: Hono<DataPlaneEnv>;
  readonly #resources: ResourceStore;
  readonly #secrets: VaultSecretStore;
  readonly #subscriptionId: string;
  // Promises, so two creates of one vault at once share one server.
  readonly #servers = new Map<string, Promise<Server>>();

  constructor(
    app: Hono<DataPlaneEnv>,
    deps: { resources: ResourceStore; secrets: VaultSecretStore; subscriptionId: string },
  ) {
    this.#app = app;
    this.#resources = deps.resources;
    this.#secrets = deps.secrets;
    this.#subscriptionId = deps.subscriptionId;
  }

  /** Serves a vault (once), and returns its vaultUri. */
  async open(vaultId: string, preferredPort = 0): Promise<string> {
    const key = vaultId.toLowerCase();
    let server = this.#servers.get(key);
    if (server === undefined) {
      // A port taken since the vault last ran is given up for a free one.
      server = this.#listen(key, preferredPort).catch(() => this.#listen(key, 0));
      this.#servers.set(key, server);
      server.catch(() => this.#servers.delete(key));
    }
    return `http://127.0.0.1:${((await server).address() as AddressInfo).port}/`;
  }

  /** Stops serving a vault. */
  async close(vaultId: string): Promise<void> {
    const key = vaultId.toLowerCase();
    const server = this.#servers.get(key);
    this.#servers.delete(key);
    const listening = await server?.catch(() => undefined);
    if (listening !== undefined) await stop(listening);
  }

  /** Stops serving the vaults that no longer exist (deleted, or with their group) and drops their secrets. */
  async forgetDeleted(): Promise<void> {
    for (const key of [...this.#servers.keys()]) {
      if (this.#resources.get(key) !== undefined) continue;
      await this.close(key);
      this.#secrets.dropVault(key);
    }
  }

  /** Serves every stored vault again, as a restarted Key Vault would answer at its address. */
  async restore(): Promise<void> {
    for (const vault of this.#vaults()) {
      const before = typeof vault.properties.vaultUri === "string" ? vault.properties.vaultUri : "";
      const port = Number(/^http:\/\/127\.0\.0\.1:(\d+)\/$/.exec(before)?.[1] ?? 0);
      const vaultUri = await this.open(vault.id, port);
      if (vaultUri !== before) {
        const group = vault.id.split("/").slice(0, 5).join("/");
        this.#resources.put(group, { ...vault, properties: { ...vault.properties, vaultUri } });
      }
    }
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#servers.keys()].map((key) => this.close(key)));
  }

  #vaults(): ArmResource[] {
    return this.#resources
      .listUnder(`/subscriptions/${this.#subscriptionId}`)
      .filter((r) => r.type.toLowerCase() === VAULT_TYPE.toLowerCase());
  }

  #listen(vaultId: string, port: number): Promise<Server> {
    return new Promise((resolve, reject) => {
      const server = serve(
        { fetch: (request) => this.#app.fetch(request, { vaultId }), port, hostname: "127.0.0.1" },
        () => resolve(server),
      );
      server.once("error", reject);
    });
  }
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive sockets from SDK clients would otherwise hold close() open.
    if ("closeAllConnections" in server) server.closeAllConnections();
  });
}

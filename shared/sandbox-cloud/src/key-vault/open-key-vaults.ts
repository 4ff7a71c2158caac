// Key Vault in the sandbox: the secrets of every vault, one data-plane app, and the loopback servers that
// serve it per vault. The server wires ARM to `hosts` and closes them with the sandbox.
import type { DatabaseSync } from "node:sqlite";
import { createDataPlane, type DataPlaneDeps } from "./data-plane.ts";
import { VaultHosts } from "./vault-hosts.ts";
import { VaultSecretStore } from "./vault-secret-store.ts";

export function openKeyVaults(
  db: DatabaseSync,
  deps: Omit<DataPlaneDeps, "secrets"> & { subscriptionId: string },
): VaultHosts {
  const secrets = new VaultSecretStore(db);
  const app = createDataPlane({ ...deps, secrets });
  return new VaultHosts(app, { resources: deps.resources, secrets, subscriptionId: deps.subscriptionId });
}

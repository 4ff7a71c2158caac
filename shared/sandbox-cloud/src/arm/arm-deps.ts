// Everything the ARM surface reads or writes, passed in once by the server.
import type { DatabaseSync } from "node:sqlite";
import type { Callers } from "../auth/callers.ts";
import type { Principals } from "../auth/principals.ts";
import type { Authorizer } from "../authorization/authorizer.ts";
import type { ContainerAppsStore } from "../container-apps/container-apps-store.ts";
import type { ExecutionRunner } from "../container-apps/execution-runner.ts";
import type { Faults } from "../faults.ts";
import type { VaultHosts } from "../key-vault/vault-hosts.ts";
import type { Realism } from "../realism.ts";
import type { ActivityStore } from "../store/activity-store.ts";
import type { ProviderStore } from "../store/provider-store.ts";
import type { Replication } from "../store/replication-store.ts";
import type { ResourceStore } from "../store/resource-store.ts";
import type { RoleAssignmentStore } from "../store/role-assignment-store.ts";
import type { SandboxIdentity } from "../store/sandbox-identity.ts";
import type { ServicePrincipalStore } from "../store/service-principal-store.ts";
import type { ArmThrottle } from "./throttle.ts";

export interface ArmDeps {
  db: DatabaseSync;
  identity: SandboxIdentity;
  callers: Callers;
  authorizer: Authorizer;
  resources: ResourceStore;
  assignments: RoleAssignmentStore;
  servicePrincipals: ServicePrincipalStore;
  /** realism.replicationDelayMs: young principals are not found, young role assignments grant nothing. */
  replication: Replication;
  providers: ProviderStore;
  activity: ActivityStore;
  faults: Faults;
  realism: Realism;
  /** realism.throttling, counted per caller. */
  throttle: ArmThrottle;
  baseUrl: () => string;
  /** Bootstrap principals, which role assignments may name by their object id. */
  principals: Principals;
  /** The data planes of Microsoft.KeyVault/vaults, one loopback port each. */
  keyVaults: VaultHosts;
  /** Container Apps jobs: their definitions and executions, and the processes that run them. */
  containerApps: { store: ContainerAppsStore; runner: ExecutionRunner };
}

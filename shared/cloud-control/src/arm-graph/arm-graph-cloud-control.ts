// The CloudControl adapter over the official SDK clients: ARM (resources, authorization, monitor) and
// Microsoft Graph. Pointed at Azure it manages the real tenant; pointed at the sandbox cloud (plain http
// on loopback) it swaps in the sandbox's signing policy and nothing else changes.
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { MonitorClient } from "@azure/arm-monitor";
import { ResourceManagementClient } from "@azure/arm-resources";
import type { TokenCredential } from "@azure/core-auth";
import { DEFAULT_PROPAGATION_WINDOW, type Identity, parseIsoDuration } from "@haymaker/contracts";
import { sandboxArmClientOptions, useSandboxAuthentication } from "@haymaker/sandbox-cloud";
import type {
  ActivityRecord,
  CloudControl,
  DeleteOutcome,
  NewIdentity,
  RoleAssignment,
  TaggedResource,
} from "../cloud-control.ts";
import { readActivity } from "./activity.ts";
import { ApiVersions } from "./api-versions.ts";
import { ARM_RETRY_OPTIONS } from "./arm-retries.ts";
import { attempt, deleteIfPresent } from "./errors.ts";
import { createGraphClient } from "./graph-client.ts";
import { GraphIdentities } from "./identities.ts";
import { RoleGrants } from "./roles.ts";
import { listByTags, RESOURCE_GROUP_TYPE } from "./tagged.ts";

export { RESOURCE_GROUP_TYPE };

export interface ArmGraphCloudControlOptions {
  credential: TokenCredential;
  tenantId: string;
  subscriptionId: string;
  /** Default https://management.azure.com. */
  armEndpoint?: string;
  /** Default https://graph.microsoft.com. */
  graphEndpoint?: string;
  /** How often long-running operations are polled; the SDK's default when left out. */
  pollIntervalMs?: number;
  /**
   * How long a failure that a new identity's replication explains (PrincipalNotFound, 403 on granting its
   * role, a service principal for an application Graph has not replicated) is retried before it is
   * believed. DEFAULT_PROPAGATION_WINDOW when left out.
   */
  propagationWindowMs?: number;
}

/** The sandbox cloud is plain http on a loopback address; Azure is always https. */
export function isSandboxEndpoint(endpoint: string): boolean {
  const url = new URL(endpoint);
  return url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

export class ArmGraphCloudControl implements CloudControl {
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly #resources: ResourceManagementClient;
  readonly #monitor: MonitorClient;
  readonly #identities: GraphIdentities;
  readonly #roles: RoleGrants;
  readonly #apiVersions: ApiVersions;
  readonly #poll: { updateIntervalInMs?: number };

  constructor(options: ArmGraphCloudControlOptions) {
    const { credential, subscriptionId } = options;
    const armEndpoint = options.armEndpoint ?? "https://management.azure.com";
    this.tenantId = options.tenantId;
    this.subscriptionId = subscriptionId;
    const sandbox = isSandboxEndpoint(armEndpoint);
    const clientOptions = {
      ...(sandbox ? sandboxArmClientOptions(armEndpoint) : { endpoint: armEndpoint }),
      retryOptions: ARM_RETRY_OPTIONS,
    };
    const sign = <C extends ResourceManagementClient | AuthorizationManagementClient | MonitorClient>(
      c: C,
    ) => (sandbox ? useSandboxAuthentication(c, credential) : c);
    this.#resources = sign(new ResourceManagementClient(credential, subscriptionId, clientOptions));
    this.#monitor = sign(new MonitorClient(credential, subscriptionId, clientOptions));
    const authorization = sign(new AuthorizationManagementClient(credential, subscriptionId, clientOptions));
    const propagation = {
      windowMs: options.propagationWindowMs ?? parseIsoDuration(DEFAULT_PROPAGATION_WINDOW) ?? 0,
    };
    this.#identities = new GraphIdentities(
      createGraphClient(credential, options.graphEndpoint ?? "https://graph.microsoft.com"),
      options.tenantId,
      propagation,
    );
    this.#roles = new RoleGrants(authorization, subscriptionId, propagation);
    this.#apiVersions = new ApiVersions(this.#resources);
    this.#poll = options.pollIntervalMs === undefined ? {} : { updateIntervalInMs: options.pollIntervalMs };
  }

  async check(): Promise<void> {
    await attempt(`Listing resource groups in subscription ${this.subscriptionId}`, async () => {
      for await (const _ of this.#resources.resourceGroups.list({ top: 1 })) break;
    });
    await this.#identities.check();
  }

  async ensureResourceGroup(name: string, location: string, tags: Record<string, string>): Promise<string> {
    const group = await attempt(`Creating resource group ${name}`, () =>
      this.#resources.resourceGroups.createOrUpdate(name, { location, tags }),
    );
    return group.id ?? `/subscriptions/${this.subscriptionId}/resourceGroups/${name}`;
  }

  deleteResourceGroup(name: string): Promise<DeleteOutcome> {
    return deleteIfPresent(`Deleting resource group ${name}`, () =>
      this.#resources.resourceGroups.beginDeleteAndWait(name, this.#poll),
    );
  }

  createIdentity(displayName: string, tags: Record<string, string>): Promise<NewIdentity> {
    return this.#identities.create(displayName, tags);
  }

  findIdentity(displayName: string): Promise<Identity | undefined> {
    return this.#identities.find(displayName);
  }

  assignRole(servicePrincipalId: string, assignment: RoleAssignment): Promise<void> {
    return this.#roles.assign(servicePrincipalId, assignment);
  }

  deleteIdentity(identity: Identity): Promise<DeleteOutcome> {
    return this.#identities.delete(identity);
  }

  async listTagged(tags: Record<string, string>): Promise<TaggedResource[]> {
    const first = Object.entries(tags)[0];
    // A caller's mistake, not a cloud failure: thrown as is, so no retry policy takes it for a network error.
    if (first === undefined) throw new Error("listTagged needs at least one tag to filter on.");
    const [name, value] = first;
    return attempt(`Listing resources tagged ${name}=${value}`, () =>
      listByTags(this.#resources, this.#apiVersions, tags),
    );
  }

  async deleteResource(resourceId: string, type: string): Promise<DeleteOutcome> {
    if (type.toLowerCase() === RESOURCE_GROUP_TYPE.toLowerCase()) {
      return this.deleteResourceGroup(resourceId.split("/").at(-1) ?? "");
    }
    const apiVersion = await this.#apiVersions.forType(type);
    // ARM answers a delete of something that is not there with 204 (or 404): both mean absent.
    let firstStatus: number | undefined;
    const outcome = await deleteIfPresent(`Deleting ${resourceId}`, () =>
      this.#resources.resources.beginDeleteByIdAndWait(resourceId, apiVersion, {
        ...this.#poll,
        onResponse: (response) => {
          firstStatus ??= response.status;
        },
      }),
    );
    return firstStatus === 204 ? "absent" : outcome;
  }

  activity(from: Date, to: Date, caller?: string): Promise<ActivityRecord[]> {
    return readActivity(this.#monitor, from, to, caller);
  }
}

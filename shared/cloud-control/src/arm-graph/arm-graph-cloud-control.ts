// The CloudControl adapter over the official SDK clients: ARM (resources, authorization, monitor) and
// Microsoft Graph. Pointed at Azure it manages the real tenant; pointed at the sandbox cloud (plain http
// on loopback) it swaps in the sandbox's signing policy and nothing else changes.
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { MonitorClient } from "@azure/arm-monitor";
import { ResourceManagementClient } from "@azure/arm-resources";
import type { TokenCredential } from "@azure/core-auth";
import type { Identity } from "@haymaker/contracts";
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
import { attempt, deleteIfPresent } from "./errors.ts";
import { createGraphClient } from "./graph-client.ts";
import { GraphIdentities } from "./identities.ts";
import { RoleGrants } from "./roles.ts";

export const RESOURCE_GROUP_TYPE = "Microsoft.Resources/resourceGroups";

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
    const clientOptions = sandbox ? sandboxArmClientOptions(armEndpoint) : { endpoint: armEndpoint };
    const sign = <C extends ResourceManagementClient | AuthorizationManagementClient | MonitorClient>(
      c: C,
    ) => (sandbox ? useSandboxAuthentication(c, credential) : c);
    this.#resources = sign(new ResourceManagementClient(credential, subscriptionId, clientOptions));
    this.#monitor = sign(new MonitorClient(credential, subscriptionId, clientOptions));
    const authorization = sign(new AuthorizationManagementClient(credential, subscriptionId, clientOptions));
    this.#identities = new GraphIdentities(
      createGraphClient(credential, options.graphEndpoint ?? "https://graph.microsoft.com"),
      options.tenantId,
    );
    this.#roles = new RoleGrants(authorization, subscriptionId);
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
    const entries = Object.entries(tags);
    const first = entries[0];
    if (first === undefined) throw new Error("listTagged needs at least one tag to filter on.");
    // ARM filters on one tag pair at a time; the rest are matched here.
    const filter = `tagName eq '${first[0].replaceAll("'", "''")}' and tagValue eq '${first[1].replaceAll("'", "''")}'`;
    const matches = (candidate: Record<string, string> | undefined) =>
      entries.every(([key, value]) => tagValue(candidate, key) === value);
    return attempt(`Listing resources tagged ${first[0]}=${first[1]}`, async () => {
      const found: TaggedResource[] = [];
      for await (const group of this.#resources.resourceGroups.list({ filter })) {
        if (group.id !== undefined && matches(group.tags)) {
          found.push({ resourceId: group.id, type: RESOURCE_GROUP_TYPE, tags: group.tags ?? {} });
        }
      }
      for await (const resource of this.#resources.resources.list({ filter })) {
        if (resource.id !== undefined && resource.type !== undefined && matches(resource.tags)) {
          found.push({ resourceId: resource.id, type: resource.type, tags: resource.tags ?? {} });
        }
      }
      return found;
    });
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

/** ARM tag names are case-insensitive. */
function tagValue(tags: Record<string, string> | undefined, key: string): string | undefined {
  if (tags === undefined) return undefined;
  const lower = key.toLowerCase();
  for (const [name, value] of Object.entries(tags)) if (name.toLowerCase() === lower) return value;
  return undefined;
}

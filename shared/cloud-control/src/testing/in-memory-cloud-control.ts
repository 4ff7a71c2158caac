// An in-memory CloudControl for handler tests: real bookkeeping (groups, identities, roles, tagged
// resources, an activity log) with no HTTP, plus scripted failures so retry paths can be exercised.
// The ARM + Graph adapter is tested against the sandbox cloud with the same contract suite.
import { randomUUID } from "node:crypto";
import type { Identity } from "@haymaker/contracts";
import type {
  ActivityRecord,
  CloudControl,
  CloudControlError,
  DeleteOutcome,
  NewIdentity,
  RoleAssignment,
  TaggedResource,
} from "../cloud-control.ts";

const GROUP_TYPE = "Microsoft.Resources/resourceGroups";

type Operation =
  | "ensureResourceGroup"
  | "deleteResourceGroup"
  | "createIdentity"
  | "assignRole"
  | "deleteIdentity"
  | "listTagged"
  | "deleteResource";

export class InMemoryCloudControl implements CloudControl {
  readonly tenantId: string;
  readonly subscriptionId: string;
  readonly #groups = new Map<string, Record<string, string>>();
  readonly #resources = new Map<string, TaggedResource>();
  readonly #identities = new Map<string, Identity & { secrets: number }>();
  readonly roles: { servicePrincipalId: string; role: string; scope: string }[] = [];
  readonly #activity: ActivityRecord[] = [];
  readonly #failures = new Map<Operation, CloudControlError[]>();
  /** How often each operation was called, failures included. */
  readonly calls = new Map<Operation, number>();

  constructor(options: { tenantId?: string; subscriptionId?: string } = {}) {
    this.tenantId = options.tenantId ?? randomUUID();
    this.subscriptionId = options.subscriptionId ?? randomUUID();
  }

  /** The next calls of `operation` throw these errors, in order. */
  failNext(operation: Operation, ...errors: CloudControlError[]): void {
    this.#failures.set(operation, [...(this.#failures.get(operation) ?? []), ...errors]);
  }

  /** Puts a resource into a group as an agent would have, tagged as given. */
  addResource(group: string, type: string, name: string, tags: Record<string, string>): string {
    const resourceId = `${this.groupId(group)}/providers/${type}/${name}`;
    this.#resources.set(resourceId.toLowerCase(), { resourceId, type, tags });
    return resourceId;
  }

  /** Records an Activity Log entry as the sandbox would for a call made by `caller`. */
  recordActivity(record: ActivityRecord): void {
    this.#activity.push(record);
  }

  groupId(name: string): string {
    return `/subscriptions/${this.subscriptionId}/resourceGroups/${name}`;
  }

  hasGroup(name: string): boolean {
    return this.#groups.has(name.toLowerCase());
  }

  identities(): Identity[] {
    return [...this.#identities.values()].map(({ secrets: _, ...identity }) => identity);
  }

  async check(): Promise<void> {}

  async ensureResourceGroup(name: string, _location: string, tags: Record<string, string>): Promise<string> {
    this.#enter("ensureResourceGroup");
    this.#groups.set(name.toLowerCase(), tags);
    return this.groupId(name);
  }

  async deleteResourceGroup(name: string): Promise<DeleteOutcome> {
    this.#enter("deleteResourceGroup");
    if (!this.#groups.delete(name.toLowerCase())) return "absent";
    const prefix = `${this.groupId(name)}/`.toLowerCase();
    for (const key of [...this.#resources.keys()]) if (key.startsWith(prefix)) this.#resources.delete(key);
    return "deleted";
  }

  async createIdentity(displayName: string): Promise<NewIdentity> {
    this.#enter("createIdentity");
    const existing = this.#identities.get(displayName);
    const identity = existing ?? {
      displayName,
      appId: randomUUID(),
      objectId: randomUUID(),
      servicePrincipalId: randomUUID(),
      tenantId: this.tenantId,
      secrets: 0,
    };
    identity.secrets += 1;
    this.#identities.set(displayName, identity);
    const { secrets: _, ...plain } = identity;
    return { identity: plain, secret: `in-memory-secret-${randomUUID()}` };
  }

  async findIdentity(displayName: string): Promise<Identity | undefined> {
    const found = this.#identities.get(displayName);
    if (found === undefined) return undefined;
    const { secrets: _, ...identity } = found;
    return identity;
  }

  async assignRole(servicePrincipalId: string, assignment: RoleAssignment): Promise<void> {
    this.#enter("assignRole");
    const known = this.roles.some(
      (r) =>
        r.servicePrincipalId === servicePrincipalId &&
        r.role === assignment.role &&
        r.scope === assignment.scope,
    );
    if (!known) this.roles.push({ servicePrincipalId, ...assignment });
  }

  async deleteIdentity(identity: Identity): Promise<DeleteOutcome> {
    this.#enter("deleteIdentity");
    return this.#identities.delete(identity.displayName) ? "deleted" : "absent";
  }

  async listTagged(tags: Record<string, string>): Promise<TaggedResource[]> {
    this.#enter("listTagged");
    const matches = (candidate: Record<string, string>) =>
      Object.entries(tags).every(([key, value]) => candidate[key] === value);
    const groups = [...this.#groups.entries()]
      .filter(([, groupTags]) => matches(groupTags))
      .map(([name, groupTags]) => ({ resourceId: this.groupId(name), type: GROUP_TYPE, tags: groupTags }));
    return [...groups, ...[...this.#resources.values()].filter((r) => matches(r.tags))];
  }

  async deleteResource(resourceId: string): Promise<DeleteOutcome> {
    this.#enter("deleteResource");
    return this.#resources.delete(resourceId.toLowerCase()) ? "deleted" : "absent";
  }

  async activity(from: Date, to: Date, caller?: string): Promise<ActivityRecord[]> {
    return this.#activity.filter((record) => {
      const at = Date.parse(record.timestamp);
      return at >= from.getTime() && at <= to.getTime() && (caller === undefined || record.caller === caller);
    });
  }

  #enter(operation: Operation): void {
    this.calls.set(operation, (this.calls.get(operation) ?? 0) + 1);
    const error = this.#failures.get(operation)?.shift();
    if (error !== undefined) throw error;
  }
}

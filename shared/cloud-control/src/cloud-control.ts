// The cloud-control port: everything HayMaker's own identity does to the tenant around an agent — its
// resource group, its Entra identity and role, and the cleanup that lists and deletes by tag. Azure and the
// sandbox cloud are served by the same adapter (the ARM and Graph SDK clients); only endpoints and
// credential differ.
import type { Identity } from "@haymaker/contracts";

/** A resource (or resource group) found by its HayMaker tags. */
export interface TaggedResource {
  resourceId: string;
  /** "Microsoft.Resources/resourceGroups" for a resource group. */
  type: string;
  tags: Record<string, string>;
}

export interface NewIdentity {
  identity: Identity;
  /** The client secret. Goes straight into the secret store; never into an event, log or error. */
  secret: string;
}

export interface RoleAssignment {
  /** A built-in role name ("Contributor", "Reader", …) or a role definition GUID. */
  role: string;
  /** The ARM id the role is granted at. Callers pass the agent's resource group only. */
  scope: string;
}

/** One Activity Log entry: a management call, who made it and how it ended. */
export interface ActivityRecord {
  operationName: string;
  /** The caller's application (client) id. */
  caller: string;
  resourceId: string;
  httpMethod: string;
  /** "Accepted" (a long-running operation started), "Succeeded" or "Failed", as the Activity Log says. */
  status: string;
  /** The HTTP status by name, as Azure writes it: "OK", "Created", "Forbidden" … */
  statusCode?: string;
  timestamp: string;
}

export type DeleteOutcome = "deleted" | "absent";

export interface CloudControl {
  readonly tenantId: string;
  readonly subscriptionId: string;

  /** Proves the credential works and can act in the subscription; throws CloudControlError otherwise. */
  check(): Promise<void>;

  /** Creates the resource group, or updates its tags if it exists. Returns its ARM id. */
  ensureResourceGroup(name: string, location: string, tags: Record<string, string>): Promise<string>;
  /** Deletes the group and everything in it, waiting until it is gone. */
  deleteResourceGroup(name: string): Promise<DeleteOutcome>;

  /**
   * Creates an application and its service principal named `displayName`, or finds the ones an earlier
   * attempt created, and adds a fresh client secret. Safe to call again after a crash.
   */
  createIdentity(displayName: string, tags: Record<string, string>): Promise<NewIdentity>;
  findIdentity(displayName: string): Promise<Identity | undefined>;
  /** Grants `role` at `scope` to the service principal; a second call with the same input is a no-op. */
  assignRole(servicePrincipalId: string, assignment: RoleAssignment): Promise<void>;
  /** Deletes the application (and with it its service principal and secrets). */
  deleteIdentity(identity: Identity): Promise<DeleteOutcome>;

  /** Resource groups and resources whose tags include every given tag. */
  listTagged(tags: Record<string, string>): Promise<TaggedResource[]>;
  /** Deletes one resource by id, waiting for the operation to finish. */
  deleteResource(resourceId: string, type: string): Promise<DeleteOutcome>;

  /** The Activity Log of the subscription between two instants, optionally for one caller (client id). */
  activity(from: Date, to: Date, caller?: string): Promise<ActivityRecord[]>;
}

/**
 * A cloud call failed. `status` is the HTTP status when there was one, so callers can tell a retryable
 * failure (409, 429, 5xx, no status = network) from a final one. The message never holds a secret.
 */
export class CloudControlError extends Error {
  override readonly name = "CloudControlError";
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { status?: number; code?: string; retryAfterMs?: number } = {}) {
    super(message);
    this.status = options.status;
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
  }

  get retryable(): boolean {
    return this.status === undefined || this.status === 409 || this.status === 429 || this.status >= 500;
  }
}

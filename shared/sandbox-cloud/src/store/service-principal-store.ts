// Service principals: the tenant-local instance of an application, and what roles are assigned to.
// One per appId, as in a home tenant.
import { randomUUID } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import type { Application } from "./application-store.ts";

export interface ServicePrincipal {
  id: string;
  appId: string;
  displayName: string;
  appDisplayName: string;
  appOwnerOrganizationId: string;
  /** "ManagedIdentity" for a user-assigned identity's principal (managed-identity/), which has no application. */
  servicePrincipalType: "Application" | "ManagedIdentity";
  servicePrincipalNames: string[];
  /** A managed identity's: `isExplicit=True` and its ARM resource id, as Graph shows them. */
  alternativeNames?: string[];
  accountEnabled: true;
  tags: string[];
}

export class ServicePrincipalStore {
  readonly #db: DatabaseSync;
  readonly #tenantId: string;

  constructor(db: DatabaseSync, tenantId: string) {
    this.#db = db;
    this.#tenantId = tenantId;
  }

  /** Undefined when the application already has one. */
  create(app: Application): ServicePrincipal | undefined {
    const sp: ServicePrincipal = {
      id: randomUUID(),
      appId: app.appId,
      displayName: app.displayName,
      appDisplayName: app.displayName,
      appOwnerOrganizationId: this.#tenantId,
      servicePrincipalType: "Application",
      servicePrincipalNames: [app.appId],
      accountEnabled: true,
      tags: [],
    };
    const inserted = this.#db
      .prepare("INSERT OR IGNORE INTO service_principals (id, app_id, body) VALUES (?, ?, ?)")
      .run(sp.id, sp.appId, JSON.stringify(sp));
    return inserted.changes > 0 ? sp : undefined;
  }

  /** The principal of a user-assigned managed identity: its object id, client id and ARM resource id. */
  createManagedIdentity(identity: {
    principalId: string;
    clientId: string;
    displayName: string;
    resourceId: string;
  }): ServicePrincipal {
    const sp: ServicePrincipal = {
      id: identity.principalId,
      appId: identity.clientId,
      displayName: identity.displayName,
      appDisplayName: identity.displayName,
      appOwnerOrganizationId: this.#tenantId,
      servicePrincipalType: "ManagedIdentity",
      servicePrincipalNames: [identity.clientId, identity.resourceId],
      alternativeNames: ["isExplicit=True", identity.resourceId],
      accountEnabled: true,
      tags: [],
    };
    this.#db
      .prepare("INSERT INTO service_principals (id, app_id, body) VALUES (?, ?, ?)")
      .run(sp.id.toLowerCase(), sp.appId.toLowerCase(), JSON.stringify(sp));
    return sp;
  }

  get(id: string): ServicePrincipal | undefined {
    return parse(this.#db.prepare("SELECT body FROM service_principals WHERE id = ?").get(id.toLowerCase()));
  }

  getByAppId(appId: string): ServicePrincipal | undefined {
    return parse(
      this.#db.prepare("SELECT body FROM service_principals WHERE app_id = ?").get(appId.toLowerCase()),
    );
  }

  list(): ServicePrincipal[] {
    return this.#db
      .prepare("SELECT body FROM service_principals ORDER BY rowid")
      .all()
      .map((row) => parse(row) as ServicePrincipal);
  }

  delete(id: string): boolean {
    return this.#db.prepare("DELETE FROM service_principals WHERE id = ?").run(id.toLowerCase()).changes > 0;
  }
}

function parse(row: unknown): ServicePrincipal | undefined {
  return row === undefined ? undefined : (JSON.parse((row as { body: string }).body) as ServicePrincipal);
}

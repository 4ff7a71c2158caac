// Who is calling: resolved from the bearer token on every request. An application's token is honoured
// only while the application and its service principal both exist. Azure keeps honouring an issued token
// until it expires; the sandbox is stricter on purpose, so tests can prove that deleting an identity
// revokes its access at once.
import type { ApplicationStore } from "../store/application-store.ts";
import type { ServicePrincipalStore } from "../store/service-principal-store.ts";
import type { Principals } from "./principals.ts";

export interface Caller {
  /** The client (application) id: a bootstrap principal's id or an application's appId. */
  clientId: string;
  /** A user-assigned managed identity counts as "application": a service principal with role assignments. */
  kind: "bootstrap" | "application";
  /** The service principal's object id; undefined for bootstrap principals. */
  objectId: string | undefined;
  /** Scopes where a bootstrap principal acts as Owner; empty for applications. */
  ownerScopes: string[];
  directoryWriter: boolean;
  /** The resource the token was issued for, e.g. https://management.azure.com. */
  audience: string;
}

export class Callers {
  readonly #principals: Principals;
  readonly #applications: ApplicationStore;
  readonly #servicePrincipals: ServicePrincipalStore;

  constructor(
    principals: Principals,
    applications: ApplicationStore,
    servicePrincipals: ServicePrincipalStore,
  ) {
    this.#principals = principals;
    this.#applications = applications;
    this.#servicePrincipals = servicePrincipals;
  }

  /** Undefined for a missing, malformed, unknown, expired or revoked token. */
  fromAuthorization(header: string | undefined): Caller | undefined {
    const token = /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1];
    if (token === undefined) return undefined;
    const owner = this.#principals.tokenOwner(token);
    if (owner === undefined) return undefined;
    const bootstrap = this.#principals.bootstrap(owner.clientId);
    if (bootstrap !== undefined) {
      return {
        clientId: bootstrap.clientId,
        kind: "bootstrap",
        objectId: undefined,
        ownerScopes: bootstrap.scopes,
        directoryWriter: bootstrap.directoryWriter,
        audience: owner.audience,
      };
    }
    const app = this.#applications.getByAppId(owner.clientId);
    if (app === undefined) return this.#managedIdentity(owner);
    const sp = this.#servicePrincipals.getByAppId(app.appId);
    if (sp === undefined) return undefined;
    return {
      clientId: app.appId,
      kind: "application",
      objectId: sp.id,
      ownerScopes: [],
      directoryWriter: false,
      audience: owner.audience,
    };
  }

  /**
   * A user-assigned managed identity has a service principal and no application; its tokens come from a
   * job execution's identity endpoint (managed-identity/token-endpoint.ts) and stop working when the
   * identity is deleted, with its principal.
   */
  #managedIdentity(owner: { clientId: string; audience: string }): Caller | undefined {
    const sp = this.#servicePrincipals.getByAppId(owner.clientId);
    if (sp?.servicePrincipalType !== "ManagedIdentity") return undefined;
    return {
      clientId: sp.appId,
      kind: "application",
      objectId: sp.id,
      ownerScopes: [],
      directoryWriter: false,
      audience: owner.audience,
    };
  }
}

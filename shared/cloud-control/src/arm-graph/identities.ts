// Entra identities through Microsoft Graph: an application, its service principal and a client secret.
// Every step is keyed, so a provision retried after a crash reuses what it made even while Entra has not
// replicated it yet: the application is upserted under its name as uniqueName (Graph's alternate key),
// not found by a $filter query first, since a query may not see an application created seconds ago and a
// retry would then create a second one; the service principal is read by its appId key, and a create that
// finds one already there (409) reads it. Deleting moves both to Entra's deleted items, which still count
// toward the creator's quota of directory objects, so both are then deleted permanently too.
import type { Identity } from "@haymaker/contracts";
import type { Client } from "@microsoft/microsoft-graph-client";
import type { NewIdentity } from "../cloud-control.ts";
import { attempt, isNotFound, toCloudControlError } from "./errors.ts";
import { type PropagationWindow, retryWhilePropagating } from "./propagation.ts";

interface GraphApplication {
  id: string;
  appId: string;
  displayName: string;
}

interface GraphServicePrincipal {
  id: string;
  appId: string;
}

/** Agents run for hours, not days; the secret outlives the run only until cleanup deletes the app. */
const SECRET_LIFETIME_MS = 7 * 24 * 3600 * 1000;

const quoted = (value: string) => `'${value.replaceAll("'", "''")}'`;

const status = (error: unknown) => (error as { statusCode?: number } | null)?.statusCode;

/** Graph's answer to a service principal for an application its replica has not seen yet. */
const applicationNotReplicated = (error: unknown) =>
  status(error) === 400 &&
  /does not reference a valid application object/i.test(String((error as Error)?.message));

export class GraphIdentities {
  readonly #graph: Client;
  readonly #tenantId: string;
  readonly #propagation: PropagationWindow;

  constructor(graph: Client, tenantId: string, propagation: PropagationWindow) {
    this.#graph = graph;
    this.#tenantId = tenantId;
    this.#propagation = propagation;
  }

  async check(): Promise<void> {
    await attempt("Listing applications in Microsoft Graph", () =>
      this.#graph.api("/applications").top(1).get(),
    );
  }

  async create(displayName: string, tags: Record<string, string>): Promise<NewIdentity> {
    const application = await this.#upsertApplication(displayName, tags);
    const servicePrincipal = await this.#ensureServicePrincipal(application);
    const password = (await attempt(`Adding a client secret to ${displayName}`, () =>
      this.#graph.api(`/applications/${application.id}/addPassword`).post({
        passwordCredential: {
          displayName: "haymaker-agent",
          endDateTime: new Date(Date.now() + SECRET_LIFETIME_MS).toISOString(),
        },
      }),
    )) as { secretText: string };
    return { identity: this.#identity(application, servicePrincipal), secret: password.secretText };
  }

  async find(displayName: string): Promise<Identity | undefined> {
    const application =
      (await this.#applicationByUniqueName(displayName)) ??
      (await this.#applicationByDisplayName(displayName));
    if (application === undefined) return undefined;
    const servicePrincipal = await this.#servicePrincipalOf(application.appId);
    if (servicePrincipal === undefined) return undefined;
    return this.#identity(application, servicePrincipal);
  }

  /**
   * Deletes the service principal, then the application (which would take the principal with it), then
   * both from Entra's deleted items: a soft-deleted object keeps counting toward the creator's quota of
   * 250 directory objects for 30 days, which 30 agents four times a day would fill in a day.
   */
  async delete(identity: Identity): Promise<"deleted" | "absent"> {
    let deleted = false;
    for (const path of [
      `/servicePrincipals/${identity.servicePrincipalId}`,
      `/applications/${identity.objectId}`,
      `/directory/deletedItems/${identity.servicePrincipalId}`,
      `/directory/deletedItems/${identity.objectId}`,
    ]) {
      try {
        await this.#graph.api(path).delete();
        deleted = true;
      } catch (error) {
        if (!isNotFound(error)) throw toCloudControlError(`Deleting identity ${identity.displayName}`, error);
      }
    }
    return deleted ? "deleted" : "absent";
  }

  /** Creates the application under its uniqueName, or updates the one an earlier attempt created. */
  async #upsertApplication(displayName: string, tags: Record<string, string>): Promise<GraphApplication> {
    const created = (await attempt(`Creating application ${displayName}`, () =>
      this.#graph
        .api(`/applications(uniqueName=${quoted(displayName)})`)
        .header("Prefer", "create-if-missing")
        .patch({
          displayName,
          // Graph tags are plain strings; key:value keeps them searchable.
          tags: Object.entries(tags).map(([key, value]) => `${key}:${value}`),
          notes: "Created by HayMaker for one agent; deleted when the agent is cleaned up.",
        }),
    )) as GraphApplication | undefined | null;
    // 201 answers the new application; 204 (it existed) answers nothing, so it is read by the same key.
    if (created?.id !== undefined) return created;
    const existing = await this.#applicationByUniqueName(displayName);
    if (existing === undefined) {
      throw toCloudControlError(`Creating application ${displayName}`, {
        statusCode: 404,
        code: "Request_ResourceNotFound",
        message: "The application was updated but cannot be read back by its uniqueName.",
      });
    }
    return existing;
  }

  async #ensureServicePrincipal(application: GraphApplication): Promise<GraphServicePrincipal> {
    const existing = await this.#servicePrincipalOf(application.appId);
    if (existing !== undefined) return existing;
    try {
      return (await retryWhilePropagating(
        this.#propagation,
        () => this.#graph.api("/servicePrincipals").post({ appId: application.appId }),
        applicationNotReplicated,
      )) as GraphServicePrincipal;
    } catch (error) {
      // One per application: a 409 means an earlier attempt made it.
      const made = status(error) === 409 ? await this.#servicePrincipalOf(application.appId) : undefined;
      if (made !== undefined) return made;
      throw toCloudControlError(`Creating the service principal of ${application.displayName}`, error);
    }
  }

  async #applicationByUniqueName(uniqueName: string): Promise<GraphApplication | undefined> {
    try {
      return (await this.#graph
        .api(`/applications(uniqueName=${quoted(uniqueName)})`)
        .select("id,appId,displayName")
        .get()) as GraphApplication;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw toCloudControlError(`Looking up application ${uniqueName}`, error);
    }
  }

  /** Identities made before applications had a uniqueName; a query, so it may miss a very new one. */
  async #applicationByDisplayName(displayName: string): Promise<GraphApplication | undefined> {
    const found = (await attempt(`Looking up application ${displayName}`, () =>
      this.#graph
        .api("/applications")
        .filter(`displayName eq ${quoted(displayName)}`)
        .get(),
    )) as { value: GraphApplication[] };
    return found.value[0];
  }

  async #servicePrincipalOf(appId: string): Promise<GraphServicePrincipal | undefined> {
    try {
      return (await this.#graph
        .api(`/servicePrincipals(appId=${quoted(appId)})`)
        .select("id,appId")
        .get()) as GraphServicePrincipal;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw toCloudControlError(`Looking up the service principal of application ${appId}`, error);
    }
  }

  #identity(application: GraphApplication, servicePrincipal: GraphServicePrincipal): Identity {
    return {
      displayName: application.displayName,
      appId: application.appId,
      objectId: application.id,
      servicePrincipalId: servicePrincipal.id,
      tenantId: this.#tenantId,
    };
  }
}

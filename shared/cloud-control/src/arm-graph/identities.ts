// Entra identities through Microsoft Graph: an application, its service principal and a client secret.
// Every step finds before it creates, so a provision retried after a crash reuses what it made.
import type { Identity } from "@haymaker/contracts";
import type { Client } from "@microsoft/microsoft-graph-client";
import type { NewIdentity } from "../cloud-control.ts";
import { attempt, isNotFound, toCloudControlError } from "./errors.ts";

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

export class GraphIdentities {
  readonly #graph: Client;
  readonly #tenantId: string;

  constructor(graph: Client, tenantId: string) {
    this.#graph = graph;
    this.#tenantId = tenantId;
  }

  async check(): Promise<void> {
    await attempt("Listing applications in Microsoft Graph", () =>
      this.#graph.api("/applications").top(1).get(),
    );
  }

  async create(displayName: string, tags: Record<string, string>): Promise<NewIdentity> {
    const application =
      (await this.#findApplication(displayName)) ??
      ((await attempt(`Creating application ${displayName}`, () =>
        this.#graph.api("/applications").post({
          displayName,
          // Graph tags are plain strings; key:value keeps them searchable.
          tags: Object.entries(tags).map(([key, value]) => `${key}:${value}`),
          notes: "Created by HayMaker for one agent; deleted when the agent is cleaned up.",
        }),
      )) as GraphApplication);
    const servicePrincipal =
      (await this.#findServicePrincipal(application.appId)) ??
      ((await attempt(`Creating the service principal of ${displayName}`, () =>
        this.#graph.api("/servicePrincipals").post({ appId: application.appId }),
      )) as GraphServicePrincipal);
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
    const application = await this.#findApplication(displayName);
    if (application === undefined) return undefined;
    const servicePrincipal = await this.#findServicePrincipal(application.appId);
    if (servicePrincipal === undefined) return undefined;
    return this.#identity(application, servicePrincipal);
  }

  /** Deletes the service principal, then the application (which would take the principal with it). */
  async delete(identity: Identity): Promise<"deleted" | "absent"> {
    let deleted = false;
    for (const path of [
      `/servicePrincipals/${identity.servicePrincipalId}`,
      `/applications/${identity.objectId}`,
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

  async #findApplication(displayName: string): Promise<GraphApplication | undefined> {
    const found = (await attempt(`Looking up application ${displayName}`, () =>
      this.#graph
        .api("/applications")
        .filter(`displayName eq ${quoted(displayName)}`)
        .get(),
    )) as { value: GraphApplication[] };
    return found.value[0];
  }

  async #findServicePrincipal(appId: string): Promise<GraphServicePrincipal | undefined> {
    const found = (await attempt(`Looking up the service principal of application ${appId}`, () =>
      this.#graph
        .api("/servicePrincipals")
        .filter(`appId eq ${quoted(appId)}`)
        .get(),
    )) as { value: GraphServicePrincipal[] };
    return found.value[0];
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

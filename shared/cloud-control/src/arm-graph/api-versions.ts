// Deleting a resource by id needs an api-version its provider supports. Like the Azure CLI, ask the
// provider which versions a type has and take the newest stable one; cache per namespace.
import type { ResourceManagementClient } from "@azure/arm-resources";
import { attempt } from "./errors.ts";

export class ApiVersions {
  readonly #client: ResourceManagementClient;
  readonly #byNamespace = new Map<string, Promise<Map<string, string[]>>>();

  constructor(client: ResourceManagementClient) {
    this.#client = client;
  }

  /** `type` is "Namespace/type[/child…]". */
  async forType(type: string): Promise<string> {
    const [namespace = "", ...rest] = type.split("/");
    const key = rest.join("/").toLowerCase();
    let versions = (await this.#types(namespace)).get(key);
    if (versions === undefined) {
      // A type this process has not seen listed yet: the cached answer may predate it, so ask again.
      this.#byNamespace.delete(namespace.toLowerCase());
      versions = (await this.#types(namespace)).get(key) ?? [];
    }
    const chosen = versions.find((version) => !version.includes("preview")) ?? versions[0];
    if (chosen === undefined) throw new Error(`The provider ${namespace} lists no api-version for ${type}.`);
    return chosen;
  }

  #types(namespace: string): Promise<Map<string, string[]>> {
    const key = namespace.toLowerCase();
    let pending = this.#byNamespace.get(key);
    if (pending === undefined) {
      pending = attempt(`Reading provider ${namespace}`, async () => {
        const provider = await this.#client.providers.get(namespace);
        const types = new Map<string, string[]>();
        for (const t of provider.resourceTypes ?? []) {
          if (t.resourceType === undefined) continue;
          // Newest first: API versions are dates, so a reverse string sort is a date sort.
          types.set(t.resourceType.toLowerCase(), [...(t.apiVersions ?? [])].sort().reverse());
        }
        return types;
      });
      // A failed lookup must not be cached: the next deletion asks again.
      pending.catch(() => this.#byNamespace.delete(key));
      this.#byNamespace.set(key, pending);
    }
    return pending;
  }
}

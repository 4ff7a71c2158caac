// Finds a resource by its address the way ARM would: as stored, or, for a child Azure creates by itself
// with its parent (implicit-children.ts), as its defaults for as long as the parent exists.
import type { ArmResource, ResourceStore } from "../store/resource-store.ts";
import { implicitChildDefaults } from "./implicit-children.ts";
import { resourceIdOf } from "./path.ts";

export interface ResourceAddress {
  subscriptionId: string;
  group: string;
  namespace: string;
  /** type/name pairs, outermost first. */
  chain: [string, string][];
}

export function findResource(store: ResourceStore, address: ResourceAddress): ArmResource | undefined {
  const { subscriptionId, group, namespace, chain } = address;
  const stored = store.get(resourceIdOf(subscriptionId, group, namespace, chain));
  if (stored !== undefined) return stored;
  const last = chain[chain.length - 1];
  if (chain.length < 2 || last === undefined) return undefined;
  const parent = findResource(store, { ...address, chain: chain.slice(0, -1) });
  return parent === undefined ? undefined : implicitChildDefaults(parent, last[0], last[1]);
}

/**
 * The outermost of the address's first `depth` ancestors that does not exist, as ARM names it in
 * ParentResourceNotFound (`Microsoft.Storage/storageAccounts/acct`); undefined when they all exist.
 */
export function missingAncestor(
  store: ResourceStore,
  address: ResourceAddress,
  depth: number,
): string | undefined {
  for (let length = 1; length <= depth; length++) {
    const chain = address.chain.slice(0, length);
    if (findResource(store, { ...address, chain }) === undefined) {
      return [address.namespace, ...chain.flat()].join("/");
    }
  }
  return undefined;
}

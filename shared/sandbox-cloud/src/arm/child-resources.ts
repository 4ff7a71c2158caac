// GET …/{type}/{name}/{childType}: a parent's children of one type, stored ones and the ones Azure made
// by itself with the parent, in one `{ value }` page. With no parent chain (`…/providers/{ns}/{type}`) the
// parent is the resource group and the children are its top-level resources of that type.
import type { ArmResource, ResourceStore } from "../store/resource-store.ts";
import { implicitChildrenDefaults } from "./implicit-children.ts";
import type { IntendedOperation } from "./intended-operation.ts";
import { type ArmTarget, childCollectionIdOf, groupId } from "./path.ts";
import { findResource, missingAncestor } from "./resource-lookup.ts";
import { type ArmResult, armError } from "./result.ts";
import { segmentsOf } from "./scope.ts";

export function listChildResources(
  store: ResourceStore,
  target: Extract<ArmTarget, { kind: "childResources" }>,
  visible: (resource: ArmResource) => boolean,
  op: IntendedOperation,
): ArmResult {
  const collectionId = childCollectionIdOf(target);
  const fail = (code: string, message: string) => armError(404, code, message, op.name, collectionId);
  if (store.getGroup(groupId(target.subscriptionId, target.group)) === undefined) {
    return fail("ResourceGroupNotFound", `Resource group '${target.group}' could not be found.`);
  }
  const missing = missingAncestor(store, target, target.chain.length);
  if (missing !== undefined) {
    return fail(
      "ParentResourceNotFound",
      `Can not perform requested operation on nested resource. Parent resource '${missing}' not found.`,
    );
  }

  // Direct children only: their ids are the collection's id plus one name.
  const depth = segmentsOf(collectionId).length + 1;
  const stored = store.listUnder(collectionId).filter((r) => segmentsOf(r.id).length === depth);
  const storedIds = new Set(stored.map((r) => r.id.toLowerCase()));
  const parent = target.chain.length === 0 ? undefined : findResource(store, target);
  const implicit = parent === undefined ? [] : implicitChildrenDefaults(parent, target.childType);
  const children = [...stored, ...implicit.filter((r) => !storedIds.has(r.id.toLowerCase()))]
    .sort((a, b) => compare(a.id.toLowerCase(), b.id.toLowerCase()))
    .filter(visible);
  return { status: 200, body: { value: children }, operationName: op.name, resourceId: collectionId };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

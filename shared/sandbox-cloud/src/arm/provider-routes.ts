// Resource providers whose ARM surface does more than store a body: user-assigned identities (a principal in
// the directory) and Container Apps jobs (validation, executions). Everything else stays generic
// (resources.ts).
import { handleJobRequest, isJobTarget } from "../container-apps/jobs.ts";
import {
  deleteIdentityPrincipalsUnder,
  handleUserAssignedIdentity,
  isUserAssignedIdentity,
} from "../managed-identity/user-assigned-identities.ts";
import type { ArmDeps } from "./arm-deps.ts";
import type { CreateContext } from "./create-responses.ts";
import type { ArmResult } from "./result.ts";
import type { ArmRequest } from "./route.ts";

/** The provider's answer, or undefined when the generic handlers answer. */
export function routeProviderRequest(
  deps: ArmDeps,
  req: ArmRequest,
  create: CreateContext,
): ArmResult | undefined {
  const { target } = req;
  if (target.kind === "resource" && isUserAssignedIdentity(target)) {
    return handleUserAssignedIdentity(deps, {
      method: req.method,
      ...target,
      body: req.body,
      baseUrl: create.baseUrl,
      newOperationId: create.newOperationId,
    });
  }
  if (isJobTarget(target)) return handleJobRequest(deps, req, create);
  return undefined;
}

/** After a group or resource at `scope` was deleted: what went with it outside the resource store. */
export function afterProviderDelete(deps: ArmDeps, scope: string): void {
  deps.containerApps.runner.stopUnder(scope);
  deps.containerApps.store.deleteUnder(scope);
  deleteIdentityPrincipalsUnder(deps, scope);
}

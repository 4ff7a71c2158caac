// The RBAC actions of the job execution calls whose names do not follow ARM's generic `<type>/<verb>` rule,
// as Azure's resource provider operations list names them (learn.microsoft.com/azure/role-based-access-control/
// permissions/containers, Microsoft.App): one execution is read with `jobs/execution/read`, the list with
// `jobs/executions/read` (the generic name of a child list), and one execution is stopped with
// `jobs/stop/execution/action` (`jobs/stop/action` stops them all; `jobs/start/action` starts one).
import type { IntendedOperation } from "../arm/intended-operation.ts";
import { type ArmTarget, resourceIdOf } from "../arm/path.ts";

export const EXECUTION_READ = "Microsoft.App/jobs/execution/read";
export const EXECUTION_STOP = "Microsoft.App/jobs/stop/execution/action";

/** The operation for `…/jobs/{job}/executions/{name}[/stop]`; undefined for anything else. */
export function containerAppsOperation(target: ArmTarget, method: string): IntendedOperation | undefined {
  if (target.kind !== "resource" || target.namespace.toLowerCase() !== "microsoft.app") return undefined;
  const [job, execution] = target.chain;
  if (
    target.chain.length !== 2 ||
    job?.[0].toLowerCase() !== "jobs" ||
    execution?.[0].toLowerCase() !== "executions"
  ) {
    return undefined;
  }
  const scope = resourceIdOf(target.subscriptionId, target.group, target.namespace, target.chain);
  if (target.action?.toLowerCase() === "stop") return { name: EXECUTION_STOP, scope, category: "action" };
  if (target.action === undefined && (method === "GET" || method === "HEAD")) {
    return { name: EXECUTION_READ, scope, category: "read" };
  }
  return undefined;
}

// The ARM id of the manual Container Apps job agents run as, taken apart once: its subscription, group and
// name are what every SDK call needs.
export interface AgentJob {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const JOB_ID =
  /^\/subscriptions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/resourceGroups\/([-\w.()]{1,90})\/providers\/Microsoft\.App\/jobs\/([a-z][a-z0-9-]{0,30})$/i;

/** The message a bad job id is refused with, also used by agentRuntimeFromEnv's schema. */
export const AGENT_JOB_ID_FORMAT =
  "must be the ARM id of a Container Apps job: /subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.App/jobs/<job>";

export function isAgentJobId(id: string): boolean {
  return JOB_ID.test(id);
}

export function parseAgentJobId(id: string): AgentJob {
  const match = JOB_ID.exec(id);
  if (match === null) throw new Error(`the agent job id ${AGENT_JOB_ID_FORMAT}`);
  const [, subscriptionId, resourceGroup, name] = match as unknown as [string, string, string, string];
  return { id, subscriptionId, resourceGroup, name };
}

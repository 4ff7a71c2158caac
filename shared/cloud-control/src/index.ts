// @haymaker/cloud-control: the cloud-control port (resource groups, identities, roles, cleanup by tag,
// Activity Log) and its adapter over the ARM and Graph SDK clients, for Azure and the sandbox cloud alike.

export {
  ArmGraphCloudControl,
  type ArmGraphCloudControlOptions,
  isSandboxEndpoint,
  RESOURCE_GROUP_TYPE,
} from "./arm-graph/arm-graph-cloud-control.ts";
export { ARM_RETRY_OPTIONS } from "./arm-graph/arm-retries.ts";
export {
  type ActivityRecord,
  type CloudControl,
  CloudControlError,
  type DeleteOutcome,
  type NewIdentity,
  type RoleAssignment,
  type TaggedResource,
} from "./cloud-control.ts";
export { type AzureCredentialSettings, azureCredentialFromEnv } from "./credential-from-env.ts";
export { cloudControlFromEnv } from "./from-env.ts";

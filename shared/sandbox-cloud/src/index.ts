export { armScope, type SandboxArmClientOptions, sandboxArmClientOptions } from "./arm/client-options.ts";
export { graphScope } from "./auth/audiences.ts";
export type { PrincipalRegistration } from "./auth/principals.ts";
export {
  sandboxAuthenticationPolicy,
  sandboxAuthenticationPolicyName,
  useSandboxAuthentication,
} from "./auth/sandbox-auth-policy.ts";
export { SandboxCredential, type SandboxCredentialOptions } from "./auth/sandbox-credential.ts";
export {
  createSandboxAgentJob,
  type SandboxAgentJob,
  type SandboxAgentJobOptions,
} from "./container-apps/agent-job-setup.ts";
export type { ContainerImage } from "./container-apps/execution-runner.ts";
export type { FaultCategory, FaultOptions } from "./faults.ts";
export {
  createSandboxKeyVault,
  type SandboxKeyVault,
  type SandboxKeyVaultOptions,
} from "./key-vault/create-sandbox-key-vault.ts";
export { AZURE_REALISM, NO_REALISM, type Realism, realismWith } from "./realism.ts";
export { type SandboxCloud, type SandboxCloudOptions, startSandboxCloud } from "./server.ts";

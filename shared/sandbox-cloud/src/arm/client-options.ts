// The options that point an ARM SDK client at the sandbox. allowInsecureConnection is required: the
// bearer-token policy refuses to send a token over plain http otherwise.
import { armScope } from "../auth/audiences.ts";

export { armScope };

export interface SandboxArmClientOptions {
  endpoint: string;
  allowInsecureConnection: true;
  credentials: { scopes: string[] };
}

export function sandboxArmClientOptions(url: string): SandboxArmClientOptions {
  return { endpoint: url, allowInsecureConnection: true, credentials: { scopes: [armScope] } };
}

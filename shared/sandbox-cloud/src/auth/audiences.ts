// Token audiences. A client-credentials request names one resource (`<resource>/.default`); the token is
// good for that resource only, so a Graph token is refused by ARM and an ARM token by Graph, as in Azure.
export const armScope = "https://management.azure.com/.default";
export const graphScope = "https://graph.microsoft.com/.default";
/** What a Key Vault data-plane token is for; the vault's 401 challenge names this resource. */
export const keyVaultResource = "https://vault.azure.net";

const armAudiences = new Set(["https://management.azure.com", "https://management.core.windows.net"]);
const graphAudience = "https://graph.microsoft.com";

/** The resource a `.default` scope asks for, or undefined when the scope is not a `.default` scope. */
export function audienceOfScope(scope: string): string | undefined {
  const match = /^(\S+?)\/?\.default$/.exec(scope.trim());
  return match?.[1]?.replace(/\/+$/, "").toLowerCase();
}

export function isArmAudience(audience: string): boolean {
  return armAudiences.has(audience);
}

export function isGraphAudience(audience: string): boolean {
  return audience === graphAudience;
}

export function isKeyVaultAudience(audience: string): boolean {
  return audience === keyVaultResource;
}

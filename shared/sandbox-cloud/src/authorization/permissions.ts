// Azure RBAC's action matching: case-insensitive, `*` matches any run of characters (slashes included),
// and an action is granted when some Actions pattern matches it and no NotActions pattern does; a data
// action (a data plane's operation, e.g. reading a Key Vault secret) likewise by DataActions and
// NotDataActions, which Actions never grant.
import type { BuiltInRole } from "./built-in-roles.ts";

const compiled = new Map<string, RegExp>();

export function actionMatches(pattern: string, action: string): boolean {
  let regex = compiled.get(pattern);
  if (regex === undefined) {
    const body = pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
      .join(".*");
    regex = new RegExp(`^${body}$`, "i");
    compiled.set(pattern, regex);
  }
  return regex.test(action);
}

export function roleAllows(role: BuiltInRole, action: string): boolean {
  return (
    role.actions.some((p) => actionMatches(p, action)) &&
    !role.notActions.some((p) => actionMatches(p, action))
  );
}

export function roleAllowsData(role: BuiltInRole, dataAction: string): boolean {
  return (
    role.dataActions.some((p) => actionMatches(p, dataAction)) &&
    !role.notDataActions.some((p) => actionMatches(p, dataAction))
  );
}

// Key Vault's data-plane error envelope, `{ "error": { "code", "message", "innererror"? } }`, and the
// answers the data plane gives most often. Codes and messages follow what Key Vault sends (seen in the
// SDKs' issue trackers and "Common error codes for Azure Key Vault", learn.microsoft.com); a message names
// secrets, vaults and callers, never a value.

export interface DataPlaneError {
  status: number;
  code: string;
  message: string;
  innerCode?: string;
  headers?: Record<string, string>;
}

export function errorBody(error: DataPlaneError): Record<string, unknown> {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.innerCode === undefined ? {} : { innererror: { code: error.innerCode } }),
    },
  };
}

export const badName = (name: string): DataPlaneError => ({
  status: 400,
  code: "BadParameter",
  message: `The request URI contains an invalid name: ${name}`,
});

export const secretNotFound = (nameOrId: string): DataPlaneError => ({
  status: 404,
  code: "SecretNotFound",
  message: `A secret with (name/id) ${nameOrId} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
});

export const deletedSecretNotFound = (name: string): DataPlaneError => ({
  status: 404,
  code: "SecretNotFound",
  message: `Deleted Secret not found: ${name}`,
});

export const deletedButRecoverable = (name: string): DataPlaneError => ({
  status: 409,
  code: "Conflict",
  message: `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
  innerCode: "ObjectIsDeletedButRecoverable",
});

/** A purge or recover while Key Vault is still finishing the secret's delete (realism). */
export const beingDeleted = (): DataPlaneError => ({
  status: 409,
  code: "Conflict",
  message: "Secret is currently being deleted.",
  innerCode: "ObjectIsBeingDeleted",
});

/** A set while Key Vault is still finishing a delete or purge of the name (realism). */
export const beingDeletedCannotSet = (name: string): DataPlaneError => ({
  status: 409,
  code: "Conflict",
  message: `Secret ${name} is currently being deleted and cannot be re-created; retry later.`,
  innerCode: "ObjectIsBeingDeleted",
});

/** Soft-delete operations on a vault without soft delete. */
export const notEnabled = (operation: string): DataPlaneError => ({
  status: 400,
  code: "NotSupported",
  message: `Operation "${operation}" is not enabled for this vault.`,
});

export const purgeProtected = (): DataPlaneError => ({
  status: 403,
  code: "Forbidden",
  message:
    'Operation "purge" is not allowed because purge protection is enabled for this vault. Key Vault service will automatically purge it after the retention period has passed.',
});

export const badParameter = (message: string): DataPlaneError => ({
  status: 400,
  code: "BadParameter",
  message,
});

import type { SecretRefSchema } from "@haymaker/contracts";
import type * as v from "valibot";

/**
 * Where a secret is kept: "local:<name>" in the local file store, a Key Vault secret id in Azure
 * (valid against contracts' SecretRefSchema). Refs travel in events; values never do.
 */
export type SecretRef = v.InferOutput<typeof SecretRefSchema>;

/**
 * The secrets port: identity credentials are kept here and nowhere else. Names follow Key Vault's rules
 * (1-127 letters, digits and hyphens, case-insensitive), so a name that works locally works in Azure.
 * Implementations never put a value in an error, a log line or their own toString/inspect output.
 */
export interface SecretStore {
  /**
   * Stores `value` under `name`, replacing any value it had, and returns its ref. The ref depends on the
   * name alone, so a handler that runs twice gets the same ref, and an old ref reads the newest value.
   */
  put(name: string, value: string): Promise<SecretRef>;
  /** The value behind `ref`. Throws SecretNotFoundError when there is none. */
  get(ref: SecretRef): Promise<string>;
  /** Deletes the secret; false when it was already gone, so cleanup can run any number of times. */
  delete(ref: SecretRef): Promise<boolean>;
  exists(ref: SecretRef): Promise<boolean>;
}

/** No secret is kept under this ref (never was, or was deleted). */
export class SecretNotFoundError extends Error {
  override readonly name = "SecretNotFoundError";
  readonly ref: SecretRef;

  constructor(ref: SecretRef) {
    super(`secret ${ref} not found`);
    this.ref = ref;
  }
}

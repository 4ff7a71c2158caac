import { setTimeout as delay } from "node:timers/promises";
import { parseKeyVaultSecretIdentifier, type SecretClient } from "@azure/keyvault-secrets";
import { StoreInputError } from "../errors.ts";
import { checkSecretName, checkSecretRef, checkSecretValue } from "./secret-inputs.ts";
import { SecretNotFoundError, type SecretRef, type SecretStore } from "./secret-store.ts";

export interface KeyVaultSecretStoreOptions {
  /** Pause between checks while Key Vault finishes a delete or a purge. 1 s by default. */
  pollIntervalMs?: number;
  /** How long a delete or purge may take to finish before the call gives up. 60 s by default. */
  settleTimeoutMs?: number;
}

/** A Key Vault call that failed. The message names the operation, the secret and Key Vault's answer. */
export class KeyVaultSecretError extends Error {
  override readonly name = "KeyVaultSecretError";
  /** The HTTP status Key Vault answered with; undefined when no answer came (network, timeout). */
  readonly statusCode: number | undefined;
  /** Key Vault's error code, and its inner code when there is one (ForbiddenByRbac …). */
  readonly code: string | undefined;
  readonly innerCode: string | undefined;

  constructor(message: string, details: { statusCode?: number; code?: string; innerCode?: string } = {}) {
    super(message);
    this.statusCode = details.statusCode;
    this.code = details.code;
    this.innerCode = details.innerCode;
  }
}

/**
 * Secrets in Azure Key Vault through the official SDK. The ref of a secret is its Key Vault id without a
 * version (`https://<vault>.vault.azure.net/secrets/<name>`), so it depends on the name alone and an old
 * ref reads the newest value. Key Vault keeps a deleted secret, recoverable and its name taken, until it
 * is purged: `delete` purges what it deletes, and `put` purges a deleted secret left under its name before
 * setting it again. That needs a vault whose purge protection is off and the role Key Vault Secrets
 * Officer (set, get, delete, purge); see the package README.
 */
export class KeyVaultSecretStore implements SecretStore {
  readonly #client: SecretClient;
  readonly #vault: string;
  readonly #pollIntervalMs: number;
  readonly #settleTimeoutMs: number;

  constructor(client: SecretClient, options: KeyVaultSecretStoreOptions = {}) {
    this.#client = client;
    this.#vault = new URL(client.vaultUrl).origin;
    this.#pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.#settleTimeoutMs = options.settleTimeoutMs ?? 60_000;
  }

  async put(name: string, value: string): Promise<SecretRef> {
    const checkedName = checkSecretName(name);
    const checkedValue = checkSecretValue(value);
    const deadline = Date.now() + this.#settleTimeoutMs;
    for (;;) {
      try {
        const secret = await this.#client.setSecret(checkedName, checkedValue);
        const id = parseKeyVaultSecretIdentifier(secret.properties.id ?? "");
        return `${this.#vault}/secrets/${id.name}`;
      } catch (error) {
        const answer = answerOf(error);
        if (Date.now() >= deadline) throw this.#failure("set", checkedName, error);
        if (answer.innerCode === "ObjectIsDeletedButRecoverable") {
          // An earlier delete that stopped before its purge, or someone else's: the name is ours again
          // only once the deleted secret is purged.
          await this.#purge(checkedName, deadline);
        } else if (answer.innerCode === "ObjectIsBeingDeleted") {
          // A delete or purge Key Vault has answered but not finished yet: nothing but a retry tells when
          // it has (after a purge, Get Deleted Secret already answers 404 while the name is still taken).
          await delay(this.#pollIntervalMs);
        } else {
          throw this.#failure("set", checkedName, error);
        }
      }
    }
  }

  async get(ref: SecretRef): Promise<string> {
    const { name, version } = this.#locate(ref);
    try {
      const secret = await this.#client.getSecret(name, version === undefined ? {} : { version });
      if (secret.value === undefined) throw new KeyVaultSecretError(`Key Vault returned no value for ${ref}`);
      return secret.value;
    } catch (error) {
      if (answerOf(error).statusCode === 404) throw new SecretNotFoundError(ref);
      throw this.#failure("get", name, error);
    }
  }

  async exists(ref: SecretRef): Promise<boolean> {
    const { name, version } = this.#locate(ref);
    try {
      await this.#client.getSecret(name, version === undefined ? {} : { version });
      return true;
    } catch (error) {
      const answer = answerOf(error);
      if (answer.statusCode === 404) return false;
      // A disabled secret is still there.
      if (answer.innerCode === "SecretDisabled") return true;
      throw this.#failure("get", name, error);
    }
  }

  async delete(ref: SecretRef): Promise<boolean> {
    const { name } = this.#locate(ref);
    const deadline = Date.now() + this.#settleTimeoutMs;
    let existed: boolean;
    try {
      const poller = await this.#client.beginDeleteSecret(name, { intervalInMs: this.#pollIntervalMs });
      await poller.pollUntilDone();
      existed = true;
    } catch (error) {
      if (answerOf(error).statusCode !== 404) throw this.#failure("delete", name, error);
      existed = false;
    }
    // Purges what was just deleted, and also a deleted copy an earlier delete left behind: either way the
    // secret is gone for good only once purged.
    await this.#purge(name, deadline);
    return existed;
  }

  toString(): string {
    return `KeyVaultSecretStore(${this.#vault})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /**
   * Purges the deleted secret under `name`, if any. Key Vault answers a purge before it has finished, and
   * has nothing to poll for it: the name may stay taken a while after (a set then answers 409
   * ObjectIsBeingDeleted, which `put` retries).
   */
  async #purge(name: string, deadline: number): Promise<void> {
    for (;;) {
      try {
        await this.#client.purgeDeletedSecret(name);
        break;
      } catch (error) {
        const answer = answerOf(error);
        // Nothing deleted under the name; or a vault without soft delete, where a delete is final.
        if (answer.statusCode === 404 || answer.code === "NotSupported") return;
        if (answer.statusCode === 403 && /purge protection/i.test(answer.message)) {
          throw new KeyVaultSecretError(
            `Key Vault ${this.#vault} refuses to purge deleted secret ${name}: the vault has purge protection on, so the secret stays recoverable and its name taken until its retention ends. HayMaker needs a vault with purge protection off (it cannot be turned off once on: use another vault).`,
            answer,
          );
        }
        // A delete Key Vault has not finished (someone else's, or one nobody waited for): the deleted
        // secret can be purged only once it is done.
        if (answer.innerCode !== "ObjectIsBeingDeleted" || Date.now() >= deadline) {
          throw this.#failure("purge", name, error);
        }
        await delay(this.#pollIntervalMs);
      }
    }
    // Should the deleted secret still show, the purge is not done either.
    for (;;) {
      try {
        await this.#client.getDeletedSecret(name);
      } catch (error) {
        if (answerOf(error).statusCode === 404) return;
        throw this.#failure("purge", name, error);
      }
      if (Date.now() >= deadline) {
        throw new KeyVaultSecretError(
          `Key Vault ${this.#vault} had not finished purging deleted secret ${name} after ${this.#settleTimeoutMs} ms`,
        );
      }
      await delay(this.#pollIntervalMs);
    }
  }

  // Checks the ref and that it names a secret of this vault.
  #locate(ref: SecretRef): { name: string; version: string | undefined } {
    const checked = checkSecretRef(ref);
    const parsed = checked.startsWith("local:") ? undefined : parseKeyVaultSecretIdentifier(checked);
    if (parsed === undefined || new URL(parsed.vaultUrl).origin !== this.#vault) {
      throw new StoreInputError(
        "secret ref",
        `this store holds secrets of the vault ${this.#vault} only, got ${checked}`,
      );
    }
    return { name: parsed.name, version: parsed.version };
  }

  // Key Vault's answer, without the SDK's error object: that holds the request, whose body may be the value.
  #failure(operation: string, name: string, error: unknown): KeyVaultSecretError {
    const answer = answerOf(error);
    const status = answer.statusCode === undefined ? "no answer" : `${answer.statusCode}`;
    const codes = [answer.code, answer.innerCode].filter((c) => c !== undefined).join("/");
    // Key Vault's messages span lines (\r\n); a log line and a dead-letter description take the first.
    const message = answer.message.replace(/\s*\r?\n\s*/g, " ").trim();
    return new KeyVaultSecretError(
      `Key Vault ${operation} of secret ${name} in ${this.#vault} failed: ${status}${codes === "" ? "" : ` ${codes}`}: ${message}`,
      answer,
    );
  }
}

interface Answer {
  statusCode?: number;
  code?: string;
  innerCode?: string;
  message: string;
}

/** What Key Vault answered, read from the SDK's RestError (its `details` is Key Vault's error body). */
function answerOf(error: unknown): Answer {
  if (error instanceof KeyVaultSecretError) {
    return {
      message: error.message,
      ...(error.statusCode === undefined ? {} : { statusCode: error.statusCode }),
      ...(error.code === undefined ? {} : { code: error.code }),
      ...(error.innerCode === undefined ? {} : { innerCode: error.innerCode }),
    };
  }
  const e = (error ?? {}) as {
    statusCode?: unknown;
    code?: unknown;
    message?: unknown;
    details?: { error?: { code?: unknown; message?: unknown; innerError?: { code?: unknown } } };
  };
  const body = e.details?.error;
  const code = typeof body?.code === "string" ? body.code : typeof e.code === "string" ? e.code : undefined;
  const innerCode = typeof body?.innerError?.code === "string" ? body.innerError.code : undefined;
  const message =
    typeof body?.message === "string"
      ? body.message
      : typeof e.message === "string"
        ? e.message
        : String(error);
  return {
    message,
    ...(typeof e.statusCode === "number" ? { statusCode: e.statusCode } : {}),
    ...(code === undefined ? {} : { code }),
    ...(innerCode === undefined ? {} : { innerCode }),
  };
}

// Failures shared by every store. Messages name the input or path at fault and never hold a secret value,
// so they are safe in logs and dead-letter descriptions.

/** Which input a store refused. */
export type StoreInput =
  | "secret name"
  | "secret value"
  | "secret ref"
  | "run id"
  | "report"
  | "report ref"
  | "report json"
  | "report markdown";

/** An input no retry can fix: a bad name, id or reference, or a value the store cannot hold. */
export class StoreInputError extends Error {
  override readonly name = "StoreInputError";
  readonly input: StoreInput;
  readonly reason: string;

  constructor(input: StoreInput, reason: string) {
    super(`${input}: ${reason}`);
    this.input = input;
    this.reason = reason;
  }
}

/** A local store's directory or file is open to other users, or owned by someone else. */
export class InsecurePermissionsError extends Error {
  override readonly name = "InsecurePermissionsError";
  readonly path: string;

  constructor(path: string, problem: string, fix: string) {
    super(`${path} ${problem}; ${fix}`);
    this.path = path;
  }
}

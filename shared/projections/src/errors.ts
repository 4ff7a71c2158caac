// A read the store cannot answer because its input is wrong: the gateway answers these with a 400 naming
// the field. Messages never echo long or secret-looking input.

export class ProjectionQueryError extends Error {
  override readonly name = "ProjectionQueryError";
  /** The query field at fault, e.g. "limit" or "continuation". */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/**
 * True for the errors Node's fs raises when a path does not exist: ENOENT, or ENOTDIR when a part of the
 * path that should be a directory is a file (e.g. a stray file where a run's report directory would be).
 */
export function isNotFound(error: unknown): boolean {
  return error instanceof Error && "code" in error && (error.code === "ENOENT" || error.code === "ENOTDIR");
}

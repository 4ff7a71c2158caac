// Helpers for the contract suites (tests only; no vitest import, so they are plain functions).

/** The error `action` rejects with; fails if it resolves. */
export async function thrown(action: () => Promise<unknown>): Promise<Error> {
  try {
    await action();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the call to throw");
}

/**
 * Runs `write` while `readers` loops call `read` as fast as they can, and returns every distinct text
 * they saw. A store that ever shows a truncated or half-written file shows it here: the loops keep
 * reading through every write. A read that throws ends the run with that error.
 */
export async function readWhileWriting(
  write: () => Promise<void>,
  read: () => Promise<string>,
  readers = 4,
): Promise<Set<string>> {
  const seen = new Set<string>();
  let writing = true;
  const reading = Array.from({ length: readers }, async () => {
    while (writing) seen.add(await read());
  });
  // Attach a handler now, so a reader that fails early is not reported as an unhandled rejection.
  const allRead = Promise.all(reading);
  allRead.catch(() => {});
  try {
    await write();
  } finally {
    writing = false;
  }
  await allRead;
  return seen;
}

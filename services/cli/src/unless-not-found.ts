// Reading what was just asked for: the gateway answers 404 for the moments before the projections have it.
import { CliError, EXIT } from "./cli-error.ts";

/** The answer of `read`, or undefined when the gateway does not know it (yet). */
export async function unlessNotFound<T>(read: () => Promise<unknown>): Promise<T | undefined> {
  try {
    return (await read()) as T;
  } catch (error) {
    if (error instanceof CliError && error.exitCode === EXIT.notFound) return undefined;
    throw error;
  }
}

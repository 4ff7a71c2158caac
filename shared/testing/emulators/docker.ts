// The emulator suite runs Microsoft's emulators in Docker. Where no Docker engine answers, each suite is
// skipped, saying why once: this suite is opt-in (npm run test:emulators), never part of make test.
import { getContainerRuntimeClient } from "testcontainers";

/**
 * Why `suite` cannot run on this machine, printed once, or undefined when it can. `notHere` names a
 * further reason the suite cannot run even with Docker (e.g. an image built for another CPU).
 */
export async function emulatorSkipReason(suite: string, notHere?: string): Promise<string | undefined> {
  let reason = notHere;
  if (reason === undefined) {
    try {
      await getContainerRuntimeClient();
    } catch (error) {
      const detail = (error instanceof Error ? error.message : String(error)).split("\n")[0];
      reason = `no Docker engine answers on this machine (testcontainers: ${detail})`;
    }
  }
  if (reason !== undefined) console.warn(`${suite} skipped: ${reason}.`);
  return reason;
}

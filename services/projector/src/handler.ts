// projector: every HayMaker event → the projections. The store does the work (idempotent, order-tolerant,
// one transaction per event); this decides how each outcome settles the message.
import { DEAD_LETTER_REASONS, describeCause, UnprocessableEventError } from "@haymaker/bus";
import {
  EnvelopeError,
  EventDataError,
  type HayMakerEvent,
  UnknownEventTypeError,
} from "@haymaker/contracts";
import type { Logger } from "@haymaker/logging";
import type { ApplyResult, ProjectionStore } from "@haymaker/projections";

/**
 * Applies one event. An event the store finds invalid can never be projected, so it is dead-lettered at
 * once; any other failure (a locked or full disk) is thrown as is, and the bus retries it.
 */
export async function projectEvent(
  store: ProjectionStore,
  event: HayMakerEvent,
  logger: Logger,
): Promise<ApplyResult> {
  let result: ApplyResult;
  try {
    result = await store.apply(event);
  } catch (error) {
    if (
      error instanceof EnvelopeError ||
      error instanceof EventDataError ||
      error instanceof UnknownEventTypeError
    ) {
      throw new UnprocessableEventError(DEAD_LETTER_REASONS.invalidEvent, describeCause(error), {
        cause: error,
      });
    }
    throw error;
  }
  if (result.applied) logger.debug("projected");
  else logger.debug("already projected; nothing changed");
  return result;
}

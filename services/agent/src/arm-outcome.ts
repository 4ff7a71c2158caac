// What one ARM step came to, reduced to what may be reported: a status and an error code, never a body
// (some answers hold keys: listKeys, regenerateKey).

export type ArmOutcome = (
  | {
      ok: true;
      /** The status of the first response (an accepted long-running operation answers 201 or 202). */
      status: number;
      /** A delete found nothing to delete (404): the resource is gone either way. */
      alreadyGone?: boolean;
      /** How many items a list returned. */
      items?: number;
    }
  | {
      ok: false;
      /** Undefined when no HTTP answer came (network error, interruption). */
      status: number | undefined;
      code: string;
      /** Stopped by a signal or the end of the operate window, not by Azure: not a failure of the step. */
      interrupted: boolean;
    }
) & {
  /** How many times the agent sent the step (409s are retried); the SDK's own retries are not counted. */
  attempts?: number;
};

const SAFE_CODE = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/;

/** An ARM error code as reported; anything that does not look like one is not repeated. */
export function safeCode(code: unknown, fallback: string): string {
  return typeof code === "string" && SAFE_CODE.test(code) ? code : fallback;
}

export function isAccessDenied(status: number | undefined): boolean {
  return status === 401 || status === 403;
}

/** An error thrown by the SDK or the pipeline, as an outcome. */
export function failureFrom(error: unknown, signal: AbortSignal | undefined): ArmOutcome {
  const e = error as { name?: unknown; statusCode?: unknown; code?: unknown };
  // Only the agent's own signal makes an interruption; an abort from inside the SDK (a timeout) is a failure.
  if (signal?.aborted) return interrupted();
  const status = typeof e?.statusCode === "number" ? e.statusCode : undefined;
  return {
    ok: false,
    status,
    code: safeCode(
      e?.code,
      e?.name === "AbortError" ? "RequestAborted" : status === undefined ? "RequestFailed" : `Http${status}`,
    ),
    interrupted: false,
  };
}

/** The code from an ARM error body ({ error: { code } }), read only for the code. */
export function codeFromBody(bodyText: string | undefined, status: number): string {
  try {
    const body = JSON.parse(bodyText ?? "") as { error?: { code?: unknown }; code?: unknown };
    return safeCode(body?.error?.code ?? body?.code, `Http${status}`);
  } catch {
    return `Http${status}`;
  }
}

export function interrupted(): ArmOutcome {
  return { ok: false, status: undefined, code: "Interrupted", interrupted: true };
}

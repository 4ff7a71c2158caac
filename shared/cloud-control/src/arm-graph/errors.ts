// Turns SDK errors (ARM's RestError, Graph's GraphError, network failures) into CloudControlError: the
// status and code callers need to decide on a retry, and a one-line message without bodies or secrets.
import { CloudControlError } from "../cloud-control.ts";

interface SdkErrorShape {
  statusCode?: number;
  code?: string;
  message?: string;
  response?: { headers?: { get?(name: string): string | undefined } };
  headers?: { get?(name: string): string | null | undefined };
}

export function toCloudControlError(what: string, error: unknown): CloudControlError {
  if (error instanceof CloudControlError) return error;
  const e = (typeof error === "object" && error !== null ? error : {}) as SdkErrorShape;
  const status = typeof e.statusCode === "number" && e.statusCode > 0 ? e.statusCode : undefined;
  const code = typeof e.code === "string" && e.code !== "" ? e.code : undefined;
  const retryAfter =
    e.response?.headers?.get?.("retry-after") ?? e.headers?.get?.("retry-after") ?? undefined;
  const retryAfterSeconds = retryAfter === undefined || retryAfter === null ? Number.NaN : Number(retryAfter);
  const firstLine = (e.message ?? String(error)).split("\n")[0]?.slice(0, 300) ?? "";
  const statusText = status === undefined ? "no response" : `HTTP ${status}`;
  return new CloudControlError(`${what} failed (${statusText}${code ? ` ${code}` : ""}): ${firstLine}`, {
    ...(status === undefined ? {} : { status }),
    ...(code === undefined ? {} : { code }),
    ...(Number.isFinite(retryAfterSeconds) ? { retryAfterMs: retryAfterSeconds * 1000 } : {}),
  });
}

export function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as SdkErrorShape).statusCode === 404;
}

/** Runs an SDK call and rethrows its failure as a CloudControlError naming `what`. */
export async function attempt<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toCloudControlError(what, error);
  }
}

/** Like attempt, but a 404 means the thing is already gone. */
export async function deleteIfPresent(
  what: string,
  call: () => Promise<unknown>,
): Promise<"deleted" | "absent"> {
  try {
    await call();
    return "deleted";
  } catch (error) {
    if (isNotFound(error)) return "absent";
    throw toCloudControlError(what, error);
  }
}

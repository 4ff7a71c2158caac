// What every ARM handler returns: the HTTP answer plus the activity-log facts about it. Handlers stay
// pure over the store; the dispatcher turns results into responses and records them in one place.
export interface ArmResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** The Azure operation name, e.g. `Microsoft.Storage/storageAccounts/write`. */
  operationName: string;
  /** The resource the call targeted (a group, a resource or a collection scope). */
  resourceId: string;
}

export function armError(
  status: number,
  code: string,
  message: string,
  operationName: string,
  resourceId: string,
): ArmResult {
  return { status, body: { error: { code, message } }, operationName, resourceId };
}

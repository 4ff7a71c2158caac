// How long the report waits for the sandbox's Activity Log to settle (HAYMAKER_ACTIVITY_LOG_SETTLE): the
// delay the sandbox's realism gives each entry, rounded up to whole seconds, plus a second for the gap
// between an agent's last call and the moment the runtime records it finished. Without realism the log is
// complete at once, so `make run` writes its reports at once (the report's own default, PT20M, is Azure's).
import type { Realism } from "@haymaker/sandbox-cloud";

export function activityLogSettleFor(realism: Pick<Realism, "activityLogDelayMs">): string {
  if (realism.activityLogDelayMs <= 0) return "PT0S";
  return `PT${Math.ceil(realism.activityLogDelayMs / 1000) + 1}S`;
}

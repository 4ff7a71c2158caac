// The Entra audit activity a Graph write is, known before it runs (so refused and faulted writes are
// audited under the right name too). Reads are not directory activity and return undefined.
import type { FaultCategory } from "../faults.ts";
import type { GraphTarget } from "./path.ts";

export interface DirectoryActivity {
  activityDisplayName: string;
  operationType: "Add" | "Update" | "Delete";
  category: FaultCategory;
}

export function directoryActivity(target: GraphTarget, method: string): DirectoryActivity | undefined {
  const activity = (
    activityDisplayName: string,
    operationType: DirectoryActivity["operationType"],
    category: FaultCategory,
  ): DirectoryActivity => ({ activityDisplayName, operationType, category });
  switch (target.kind) {
    case "applications":
      return method === "POST" ? activity("Add application", "Add", "write") : undefined;
    case "application":
      if (target.action !== undefined && method === "POST") {
        // Entra's own spelling, en dash included.
        return activity("Update application – Certificates and secrets management", "Update", "action");
      }
      if (method === "PATCH") return activity("Update application", "Update", "write");
      if (method === "DELETE") return activity("Delete application", "Delete", "delete");
      return undefined;
    case "servicePrincipals":
      return method === "POST" ? activity("Add service principal", "Add", "write") : undefined;
    case "servicePrincipal":
      return method === "DELETE" ? activity("Delete service principal", "Delete", "delete") : undefined;
    case "deletedItem":
      // Named for what was deleted once it is known (GraphResult.activityDisplayName).
      return method === "DELETE" ? activity("Hard Delete application", "Delete", "delete") : undefined;
    default:
      return undefined;
  }
}

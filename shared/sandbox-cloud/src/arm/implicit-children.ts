// Children that Azure creates by itself together with their parent (proxy and singleton resources): a web
// app's `config/web`, a storage account's `blobServices/default`, a workspace's built-in tables. Callers
// GET, PATCH and PUT them without ever creating them, so the sandbox must answer for them as soon as the
// parent exists: with the stored document once a PUT or PATCH wrote one, else with Azure-like defaults.
// They live and die with their parent (they share its id prefix), and carry no tags, as proxy resources
// have none in Azure, so a cleanup that lists by tag never sees them.
import type { ArmResource } from "../store/resource-store.ts";

interface ImplicitChild {
  /** The full type, in Azure's casing: `Microsoft.Web/sites/config`. */
  type: string;
  /**
   * The names Azure creates, in its casing, matched case-insensitively. Any other name of the type is an
   * ordinary resource that must be created first (a custom `…_CL` table, a `config/appsettings`).
   */
  names: readonly string[];
  /** The properties Azure answers before anyone changed them; some follow the parent's own settings. */
  defaults: (parent: ArmResource, name: string) => Record<string, unknown>;
}

// A new workspace has hundreds of Microsoft tables; these are the ones people look at first.
const builtInTables = [
  "AzureActivity",
  "AzureDiagnostics",
  "AzureMetrics",
  "Event",
  "Heartbeat",
  "Operation",
  "Perf",
  "SecurityEvent",
  "Syslog",
  "Usage",
];

const noCors = { cors: { corsRules: [] } };

const implicitChildren: readonly ImplicitChild[] = [
  {
    // The site's configuration, also settable through the site's `properties.siteConfig` at creation.
    type: "Microsoft.Web/sites/config",
    names: ["web"],
    defaults: (site) => ({
      numberOfWorkers: 1,
      netFrameworkVersion: "v4.0",
      linuxFxVersion: "",
      alwaysOn: false,
      http20Enabled: false,
      minTlsVersion: "1.2",
      scmMinTlsVersion: "1.2",
      webSocketsEnabled: false,
      ...record(site.properties.siteConfig),
    }),
  },
  // Dedicated throughput is set when the database or container is created (`options.throughput`) and
  // read and changed afterwards only through this child. The sandbox does not check that the parent was
  // given dedicated throughput; 400 RU/s is Cosmos DB's minimum and its default.
  {
    type: "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/throughputSettings",
    names: ["default"],
    defaults: cosmosThroughput,
  },
  {
    type: "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/throughputSettings",
    names: ["default"],
    defaults: cosmosThroughput,
  },
  {
    // Built-in tables keep the workspace's retention until someone sets their own.
    type: "Microsoft.OperationalInsights/workspaces/tables",
    names: builtInTables,
    defaults: (workspace, name) => {
      const retention = numberOr(workspace.properties.retentionInDays, 30);
      return {
        retentionInDays: retention,
        totalRetentionInDays: retention,
        archiveRetentionInDays: 0,
        retentionInDaysAsDefault: true,
        totalRetentionInDaysAsDefault: true,
        plan: "Analytics",
        schema: { name, tableType: "Microsoft", columns: [] },
        provisioningState: "Succeeded",
      };
    },
  },
  {
    type: "Microsoft.Storage/storageAccounts/blobServices",
    names: ["default"],
    defaults: () => ({ ...noCors, deleteRetentionPolicy: { enabled: false, allowPermanentDelete: false } }),
  },
  {
    // Share soft delete has been on (7 days) for new accounts since 2021.
    type: "Microsoft.Storage/storageAccounts/fileServices",
    names: ["default"],
    defaults: () => ({ ...noCors, shareDeleteRetentionPolicy: { enabled: true, days: 7 } }),
  },
  { type: "Microsoft.Storage/storageAccounts/queueServices", names: ["default"], defaults: () => noCors },
  { type: "Microsoft.Storage/storageAccounts/tableServices", names: ["default"], defaults: () => noCors },
];

/** Whether Azure creates a child of this type and name by itself with its parent. */
export function isImplicitChild(type: string, name: string): boolean {
  return canonicalName(ruleFor(type), name) !== undefined;
}

/** The document an implicit child answers with before anyone wrote it; undefined for any other child. */
export function implicitChildDefaults(parent: ArmResource, childType: string, name: string) {
  const rule = ruleFor(`${parent.type}/${childType}`);
  const canonical = canonicalName(rule, name);
  if (rule === undefined || canonical === undefined) return undefined;
  return defaultDocument(rule, parent, canonical);
}

/** Every implicit child of one type under a parent, as its defaults. */
export function implicitChildrenDefaults(parent: ArmResource, childType: string): ArmResource[] {
  const rule = ruleFor(`${parent.type}/${childType}`);
  return rule === undefined ? [] : rule.names.map((name) => defaultDocument(rule, parent, name));
}

function defaultDocument(rule: ImplicitChild, parent: ArmResource, name: string): ArmResource {
  const typeSegment = rule.type.split("/").pop() as string;
  return {
    id: `${parent.id}/${typeSegment}/${name}`,
    name,
    type: rule.type,
    properties: rule.defaults(parent, name),
  };
}

function ruleFor(type: string): ImplicitChild | undefined {
  const lower = type.toLowerCase();
  return implicitChildren.find((rule) => rule.type.toLowerCase() === lower);
}

function canonicalName(rule: ImplicitChild | undefined, name: string): string | undefined {
  const lower = name.toLowerCase();
  return rule?.names.find((candidate) => candidate.toLowerCase() === lower);
}

function cosmosThroughput(parent: ArmResource): Record<string, unknown> {
  const options = record(parent.properties.options);
  return { resource: { throughput: numberOr(options.throughput, 400), minimumThroughput: "400" } };
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" ? value : fallback;
}

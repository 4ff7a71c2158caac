// A Microsoft.App/jobs PUT body, checked as Container Apps checks what an execution needs, and split into
// what ARM stores on the job (secrets by name only, as a GET of a job shows them) and the secret values
// (kept apart, served by listSecrets and given to executions). Shapes: @azure/arm-appcontainers 4.0.0 `Job`,
// `JobConfiguration`, `Secret`, `ManagedServiceIdentity`; api-version 2026-07-01.
// ContainerAppSecretInvalid: microsoft/azure-container-apps#733 and pulumi/pulumi-azure-native#2807 quote
// "Container app secret(s) with name(s) '…' are invalid: value or keyVaultUrl and identity should be provided."
import {
  type ManagedIdentityRef,
  USER_ASSIGNED_IDENTITY_TYPE,
} from "../managed-identity/user-assigned-identities.ts";
import { invalid, isObject, type JobContainer, type Problem, parseContainers } from "./containers.ts";

export interface JobSecret {
  name: string;
  value: string;
}

export interface JobDefinition {
  triggerType: "Manual" | "Schedule" | "Event";
  replicaTimeoutSeconds: number;
  replicaRetryLimit: number;
  secrets: JobSecret[];
  /** The job's user-assigned identities that its containers may get tokens for (lifecycle not None/Init). */
  containerIdentities: ManagedIdentityRef[];
  containers: JobContainer[];
}

export interface ParsedJob {
  definition: JobDefinition;
  /** The body to store: secret values removed, identities completed with their ids. */
  body: Record<string, unknown>;
}

const TRIGGERS = ["Manual", "Schedule", "Event"] as const;
// Container Apps secret names: lower-case alphanumerics, '-' or '.', starting and ending alphanumeric.
const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function parseJob(
  body: Record<string, unknown> | undefined,
  lookup: {
    identity: (resourceId: string) => ManagedIdentityRef | undefined;
    environmentExists: (resourceId: string) => boolean;
  },
): ParsedJob | Problem {
  if (body === undefined)
    return invalid("The request content was empty: a job needs location and properties.");
  if (typeof body.location !== "string" || body.location === "") {
    return { code: "LocationRequired", message: "The location property is required for this definition." };
  }
  const properties = body.properties;
  if (!isObject(properties)) return invalid("properties is required.");
  const environmentId = properties.environmentId;
  if (typeof environmentId !== "string" || !lookup.environmentExists(environmentId)) {
    return {
      code: "ManagedEnvironmentNotFound",
      message: `properties.environmentId must name an existing Microsoft.App/managedEnvironments resource; '${String(environmentId)}' does not exist.`,
    };
  }
  const configuration = properties.configuration;
  if (!isObject(configuration)) return invalid("properties.configuration is required.");
  const trigger = parseTrigger(configuration);
  if ("code" in trigger) return trigger;
  const secrets = parseSecrets(configuration.secrets);
  if (!Array.isArray(secrets)) return secrets;
  const identities = parseIdentity(body.identity, lookup.identity);
  if (!Array.isArray(identities)) return identities;
  const hidden = hiddenIdentities(configuration.identitySettings);
  if (hidden instanceof Set === false) return hidden;
  const template = properties.template;
  if (!isObject(template)) return invalid("properties.template is required.");
  if (Array.isArray(template.initContainers) && template.initContainers.length > 0) {
    return invalid(
      "The sandbox cloud does not run init containers; leave properties.template.initContainers out.",
    );
  }
  const containers = parseContainers(
    template.containers,
    new Set(secrets.map((s) => s.name)),
    "properties.template",
  );
  if (!Array.isArray(containers)) return containers;

  const storedIdentity =
    identities.length === 0
      ? body.identity
      : {
          type: "UserAssigned",
          userAssignedIdentities: Object.fromEntries(
            identities.map((i) => [i.resourceId, { principalId: i.principalId, clientId: i.clientId }]),
          ),
        };
  return {
    definition: {
      ...trigger,
      secrets,
      containerIdentities: identities.filter((i) => !hidden.has(i.resourceId.toLowerCase())),
      containers,
    },
    body: {
      ...body,
      ...(storedIdentity === undefined ? {} : { identity: storedIdentity }),
      properties: {
        ...properties,
        runningState: "Ready",
        configuration: {
          ...configuration,
          replicaRetryLimit: trigger.replicaRetryLimit,
          secrets: secrets.map(({ name }) => ({ name })),
        },
        template: { ...template, containers },
      },
    },
  };
}

function parseTrigger(
  configuration: Record<string, unknown>,
): Pick<JobDefinition, "triggerType" | "replicaTimeoutSeconds" | "replicaRetryLimit"> | Problem {
  const { triggerType, replicaTimeout, replicaRetryLimit } = configuration;
  const type = TRIGGERS.find((t) => t.toLowerCase() === String(triggerType).toLowerCase());
  if (type === undefined) {
    return invalid("properties.configuration.triggerType must be Manual, Schedule or Event.");
  }
  if (!Number.isInteger(replicaTimeout) || (replicaTimeout as number) < 1) {
    return invalid("properties.configuration.replicaTimeout must be a whole number of seconds, at least 1.");
  }
  const retries = replicaRetryLimit ?? 0;
  if (!Number.isInteger(retries) || (retries as number) < 0) {
    return invalid("properties.configuration.replicaRetryLimit must be a whole number, 0 or more.");
  }
  const settings = {
    Manual: "manualTriggerConfig",
    Schedule: "scheduleTriggerConfig",
    Event: "eventTriggerConfig",
  }[type];
  const config = configuration[settings];
  if (!isObject(config)) return invalid(`A ${type} job needs properties.configuration.${settings}.`);
  if (type === "Schedule" && typeof config.cronExpression !== "string") {
    return invalid("properties.configuration.scheduleTriggerConfig.cronExpression is required.");
  }
  // One replica per execution is all HayMaker asks for; more would need replicas run side by side.
  if ((config.parallelism ?? 1) !== 1 || (config.replicaCompletionCount ?? 1) !== 1) {
    return invalid(
      `The sandbox cloud runs one replica per execution: ${settings}.parallelism and replicaCompletionCount must be 1.`,
    );
  }
  return {
    triggerType: type,
    replicaTimeoutSeconds: replicaTimeout as number,
    replicaRetryLimit: retries as number,
  };
}

function parseSecrets(secrets: unknown): JobSecret[] | Problem {
  if (secrets === undefined) return [];
  if (!Array.isArray(secrets)) return invalid("properties.configuration.secrets must be an array.");
  const parsed: JobSecret[] = [];
  for (const secret of secrets) {
    const name = isObject(secret) ? secret.name : undefined;
    if (typeof name !== "string" || !SECRET_NAME.test(name) || parsed.some((s) => s.name === name)) {
      return invalid(
        `Secret name '${String(name)}' is invalid or repeated: use lower-case letters, digits, '-' or '.', starting and ending with a letter or digit.`,
      );
    }
    if (isObject(secret) && secret.keyVaultUrl !== undefined) {
      return invalid(
        `Secret '${name}' is a Key Vault reference (keyVaultUrl). The sandbox cloud does not resolve those: give the secret a value, or have the container read the vault with its managed identity.`,
      );
    }
    if (!isObject(secret) || typeof secret.value !== "string") {
      return {
        code: "ContainerAppSecretInvalid",
        message: `Invalid Request: Container app secret(s) with name(s) '${name}' are invalid: value or keyVaultUrl and identity should be provided.`,
      };
    }
    parsed.push({ name, value: secret.value });
  }
  return parsed;
}

function parseIdentity(
  identity: unknown,
  lookup: (resourceId: string) => ManagedIdentityRef | undefined,
): ManagedIdentityRef[] | Problem {
  if (identity === undefined) return [];
  if (!isObject(identity) || typeof identity.type !== "string") return invalid("identity.type is required.");
  const types = identity.type.split(",").map((t) => t.trim().toLowerCase());
  if (types.includes("systemassigned")) {
    return invalid("The sandbox cloud has no system-assigned identities: use a user-assigned identity.");
  }
  if (types.length === 1 && types[0] === "none") return [];
  if (!types.includes("userassigned") || !isObject(identity.userAssignedIdentities)) {
    return invalid(
      "identity must be { type: 'UserAssigned', userAssignedIdentities: { '<identity id>': {} } }.",
    );
  }
  const found: ManagedIdentityRef[] = [];
  for (const resourceId of Object.keys(identity.userAssignedIdentities)) {
    const ref = lookup(resourceId);
    if (ref === undefined) {
      return {
        code: "InvalidUserAssignedIdentity",
        message: `The user-assigned identity '${resourceId}' does not exist: create the ${USER_ASSIGNED_IDENTITY_TYPE} resource first.`,
      };
    }
    found.push(ref);
  }
  return found;
}

/** Identities whose identitySettings keep them from the job's main containers (lifecycle None or Init). */
function hiddenIdentities(settings: unknown): Set<string> | Problem {
  const hidden = new Set<string>();
  if (settings === undefined) return hidden;
  if (!Array.isArray(settings)) return invalid("properties.configuration.identitySettings must be an array.");
  for (const setting of settings) {
    if (!isObject(setting) || typeof setting.identity !== "string") {
      return invalid("Each identitySettings entry needs an identity.");
    }
    const lifecycle = String(setting.lifecycle ?? "All").toLowerCase();
    if (lifecycle === "none" || lifecycle === "init") hidden.add(setting.identity.toLowerCase());
  }
  return hidden;
}

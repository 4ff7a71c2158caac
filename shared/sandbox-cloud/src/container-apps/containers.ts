// The containers of a job template or of an execution template (JobExecutionTemplate), checked as Container
// Apps checks them, with Azure's error codes where Azure's answers are known:
// - ContainerAppImageRequired "Container with name '…' must have an 'Image' property specified."
//   (seen in deployment errors, e.g. Azure-Samples/container-apps-store-api-microservice#27);
// - ContainerAppSecretRefNotFound "SecretRef '…' defined for container '…' not found."
//   (microsoft/java-on-aca-with-ai#13).
// An execution template replaces the job's template outright ("the job's entire template configuration is
// replaced with the new configuration", learn.microsoft.com/azure/container-apps/jobs), so a start whose
// containers lack an image fails the same way a job PUT would.

export interface EnvVar {
  name: string;
  value?: string;
  secretRef?: string;
}

export interface JobContainer {
  name: string;
  image: string;
  args?: string[];
  env: EnvVar[];
  resources: { cpu: number; memory: string };
}

export type Problem = { code: string; message: string };

// Container names are DNS labels (RFC 1123), as in Kubernetes, which Container Apps runs on.
const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const MEMORY = /^\d+(\.\d+)?(Gi|Mi)$/;
/** What Container Apps gives a container whose resources are left out (the portal's and CLI's default). */
const DEFAULT_RESOURCES = { cpu: 0.5, memory: "1Gi" };

/** Checked containers, or the first problem. `secretNames` are the job's secrets, for secretRefs. */
export function parseContainers(
  containers: unknown,
  secretNames: ReadonlySet<string>,
  where: string,
): JobContainer[] | Problem {
  if (!Array.isArray(containers) || containers.length === 0) {
    return invalid(`${where}.containers must list at least one container.`);
  }
  const parsed: JobContainer[] = [];
  for (const [index, raw] of containers.entries()) {
    const container = parseContainer(raw, secretNames, `${where}.containers[${index}]`);
    if ("code" in container) return container;
    if (parsed.some((c) => c.name === container.name)) {
      return invalid(`${where}.containers has two containers named '${container.name}'.`);
    }
    parsed.push(container);
  }
  return parsed;
}

function parseContainer(
  raw: unknown,
  secretNames: ReadonlySet<string>,
  where: string,
): JobContainer | Problem {
  if (!isObject(raw)) return invalid(`${where} must be an object.`);
  const { name, image, command, args, env, resources } = raw;
  if (typeof name !== "string" || !CONTAINER_NAME.test(name)) {
    return invalid(
      `${where}.name must be 1-63 lower-case letters, digits or '-', starting and ending with a letter or digit.`,
    );
  }
  if (typeof image !== "string" || image.trim() === "") {
    return {
      code: "ContainerAppImageRequired",
      message: `Container with name '${name}' must have an 'Image' property specified.`,
    };
  }
  // A command would replace the image's entrypoint with any program on this machine; the sandbox runs
  // only the programs its images map to (their args may change, as an image's CMD may).
  if (command !== undefined) {
    return invalid(
      `${where}.command is not supported by the sandbox cloud: it runs the program image '${image}' maps to. Pass args instead.`,
    );
  }
  if (args !== undefined && !(Array.isArray(args) && args.every((part) => typeof part === "string"))) {
    return invalid(`${where}.args must be an array of strings.`);
  }
  const parsedEnv = parseEnv(env, name, secretNames, `${where}.env`);
  if (!Array.isArray(parsedEnv)) return parsedEnv;
  const parsedResources = parseResources(resources, `${where}.resources`);
  if ("code" in parsedResources) return parsedResources;
  return {
    name,
    image,
    ...(args === undefined ? {} : { args: args as string[] }),
    env: parsedEnv,
    resources: parsedResources,
  };
}

function parseEnv(
  env: unknown,
  container: string,
  secretNames: ReadonlySet<string>,
  where: string,
): EnvVar[] | Problem {
  if (env === undefined) return [];
  if (!Array.isArray(env)) return invalid(`${where} must be an array.`);
  const parsed: EnvVar[] = [];
  for (const [index, entry] of env.entries()) {
    if (!isObject(entry) || typeof entry.name !== "string" || entry.name === "") {
      return invalid(`${where}[${index}] needs a name.`);
    }
    const { name, value, secretRef } = entry;
    if (secretRef !== undefined) {
      if (typeof secretRef !== "string" || !secretNames.has(secretRef)) {
        return {
          code: "ContainerAppSecretRefNotFound",
          message: `SecretRef '${String(secretRef)}' defined for container '${container}' not found.`,
        };
      }
      parsed.push({ name, secretRef });
    } else if (typeof value === "string") {
      parsed.push({ name, value });
    } else if (value === undefined) {
      parsed.push({ name, value: "" });
    } else {
      return invalid(`${where}[${index}].value must be a string.`);
    }
  }
  return parsed;
}

function parseResources(resources: unknown, where: string): JobContainer["resources"] | Problem {
  if (resources === undefined) return { ...DEFAULT_RESOURCES };
  if (!isObject(resources)) return invalid(`${where} must be an object.`);
  const cpu = resources.cpu ?? DEFAULT_RESOURCES.cpu;
  const memory = resources.memory ?? DEFAULT_RESOURCES.memory;
  if (typeof cpu !== "number" || !(cpu > 0))
    return invalid(`${where}.cpu must be a number of cores above 0.`);
  if (typeof memory !== "string" || !MEMORY.test(memory)) {
    return invalid(`${where}.memory must be a size such as "0.5Gi" or "512Mi".`);
  }
  return { cpu, memory };
}

export function invalid(message: string): Problem {
  return { code: "InvalidRequestContent", message };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

// Azure's naming rules for the segments of an ARM path, each refused with the code ARM answers. Sources:
// the ARM resource provider contract (github.com/Azure/azure-resource-manager-rpc, v1.0
// resource-api-reference.md: "Arguments for CRUD on Resource") for resource groups, namespaces, types and
// names; "Naming rules and restrictions for Azure resources" (learn.microsoft.com, resource-name-rules) for
// the Unicode letter classes of group names, `#` in names, and storage accounts. Every rule also refuses a
// decoded `/`, which is what keeps an escaped separator from widening a scope.
export interface NameProblem {
  code: string;
  message: string;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Char.IsLetterOrDigit: Lu, Ll, Lt, Lm, Lo and Nd; plus `_ - . ( )`.
const groupCharacter = /[\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nd}_\-.()]/u;
const asciiAlphanumerics = /^[A-Za-z0-9]+$/;
const namespacePattern = /^[A-Za-z0-9.]+$/;
// The characters the ARM contract forbids in any resource name, `#` (which ends a URL's path) and the
// control characters.
const forbiddenInName = /[<>%&:\\?/#\p{Cc}]/gu;
const maxNameLength = 260;

export function isGuid(value: string): boolean {
  return guid.test(value);
}

export function subscriptionIdProblem(id: string): NameProblem | undefined {
  if (isGuid(id)) return undefined;
  return {
    code: "InvalidSubscriptionId",
    message: `The provided subscription identifier '${id}' is malformed or invalid.`,
  };
}

export function resourceGroupNameProblem(name: string): NameProblem | undefined {
  const invalid = uniqueCharacters([...name].filter((c) => !groupCharacter.test(c)));
  const problem = (rule: string) => ({
    code: "InvalidResourceGroup",
    message: `The provided resource group name '${name}' ${rule}`,
  });
  if (invalid !== "") {
    return problem(
      `has these invalid characters: '${invalid}'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.`,
    );
  }
  if (name.length > 90) return problem("is too long: a resource group name has 1 to 90 characters.");
  if (name.endsWith(".")) return problem("ends with a period, which a resource group name cannot.");
  return undefined;
}

export function namespaceProblem(namespace: string): NameProblem | undefined {
  if (namespacePattern.test(namespace)) return undefined;
  return {
    code: "InvalidResourceNamespace",
    message: `The resource namespace '${namespace}' is invalid. A namespace has only ASCII letters, digits and '.'.`,
  };
}

export function resourceTypeProblem(type: string): NameProblem | undefined {
  if (asciiAlphanumerics.test(type)) return undefined;
  return {
    code: "InvalidResourceType",
    message: `The resource type '${type}' is invalid. A resource type has only ASCII letters and digits.`,
  };
}

export function actionNameProblem(action: string): NameProblem | undefined {
  if (asciiAlphanumerics.test(action)) return undefined;
  return {
    code: "InvalidRequestUri",
    message: `The action '${action}' is invalid. An action name has only ASCII letters and digits.`,
  };
}

/** ARM's rule for every resource name; providers may add their own (`resourceNameProblemOnCreate`). */
export function resourceNameProblem(name: string): NameProblem | undefined {
  const invalid = uniqueCharacters(name.match(forbiddenInName) ?? []);
  if (invalid === "" && name.length <= maxNameLength) return undefined;
  return {
    code: "InvalidResourceName",
    message:
      invalid !== ""
        ? `The resource name '${name}' has these invalid characters: '${invalid}'. A resource name cannot contain '<', '>', '%', '&', ':', '\\', '?', '/', '#' or control characters.`
        : `The resource name '${name}' is too long: a resource name has at most ${maxNameLength} characters.`,
  };
}

/**
 * The stricter rules of the providers whose types the sandbox knows, checked when a resource is created
 * (reads of a name that cannot exist simply find nothing). Type is `Namespace/type[/childType…]`.
 */
export function resourceNameProblemOnCreate(type: string, name: string): NameProblem | undefined {
  if (type.toLowerCase() === "microsoft.storage/storageaccounts" && !/^[a-z0-9]{3,24}$/.test(name)) {
    return {
      code: "AccountNameInvalid",
      message: `${name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`,
    };
  }
  return undefined;
}

function uniqueCharacters(characters: string[]): string {
  return [...new Set(characters)].join("");
}

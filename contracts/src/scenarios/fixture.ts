import { stringify } from "yaml";
import { parseScenario } from "./parse.ts";
import { ScenarioError } from "./scenario-error.ts";
import type { Scenario } from "./schema.ts";

// A small valid scenario for tests to break one field at a time.

// biome-ignore lint/suspicious/noExplicitAny: tests reach into the document to break one field at a time.
export type EditableDocument = Record<string, any>;
type Change = (document: EditableDocument) => void;

export const FIXTURE_FILE = "scenarios/fixture-scenario.yaml";

const account = {
  type: "Microsoft.Storage/storageAccounts",
  name: "st{{unique}}",
  apiVersion: "2023-05-01",
};

export function fixtureDocument(): Record<string, unknown> {
  return {
    id: "fixture-scenario",
    title: "Rotate a storage key",
    description: "Creates a storage account, rotates a key and deletes the account.",
    technologyArea: "storage",
    company: {
      name: "Fernhill Dairy",
      industry: "Agriculture",
      story: "The farm office rotates keys monthly.",
    },
    roles: ["Storage Account Contributor"],
    parameters: {
      days: { type: "integer", default: 30, description: "Retention in days.", allowed: [30, 60] },
    },
    steps: {
      deploy: [
        {
          name: "Create the account",
          action: "put",
          resource: account,
          body: {
            location: "{{location}}",
            kind: "StorageV2",
            sku: { name: "Standard_LRS" },
            tags: { owner: "farm-office" },
            properties: { supportsHttpsTrafficOnly: true },
          },
        },
        {
          name: "Create a container",
          action: "put",
          resource: {
            type: "Microsoft.Storage/storageAccounts/blobServices/containers",
            name: "st{{unique}}/default/invoices",
            apiVersion: "2023-05-01",
          },
          body: { properties: { publicAccess: "None" } },
        },
      ],
      operate: [
        {
          name: "Rotate key2",
          action: "post",
          operation: "regenerateKey",
          resource: account,
          body: { keyName: "key2" },
        },
        {
          name: "Tag the review",
          action: "patch",
          resource: account,
          body: { tags: { owner: "farm-office", review: "r{{iteration}}", days: "{{param.days}}" } },
        },
        { name: "Wait", action: "pause", duration: "PT5M" },
      ],
      cleanup: [{ name: "Delete the account", action: "delete", resource: account }],
    },
  };
}

/** The fixture with some change applied, as YAML text. */
export function fixtureYaml(change: Change = () => {}): string {
  const document = structuredClone(fixtureDocument());
  change(document);
  return stringify(document);
}

export function parseFixture(change?: Change): Scenario {
  return parseScenario(fixtureYaml(change), FIXTURE_FILE);
}

/** The ScenarioError the changed fixture is refused with. */
export function fixtureError(change: Change): ScenarioError {
  try {
    parseFixture(change);
  } catch (error) {
    if (error instanceof ScenarioError) return error;
    throw error;
  }
  throw new Error("expected the changed fixture to be refused");
}

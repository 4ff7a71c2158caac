// The scenario format: what an agent deploys, operates and tears down, and the rules that keep it safe.

export { loadScenarioCatalogue, type ScenarioCatalogue } from "./catalogue.ts";
export type { JsonObject, JsonValue } from "./json.ts";
export {
  ARM_ACTIONS,
  type ArmAction,
  type ArmScope,
  type ArmTarget,
  armRequestPath,
  expectedNameCount,
  resourceNameProblem,
} from "./names.ts";
export { MAX_SCENARIO_BYTES, parseScenario, SCENARIO_FILE_EXTENSION } from "./parse.ts";
export { CATALOGUE_REREAD_MS, RefreshingCatalogue } from "./refreshing-catalogue.ts";
export { type RenderedArmStep, renderStep } from "./render.ts";
export { ScenarioError } from "./scenario-error.ts";
export {
  type ArmStep,
  DEFAULT_LOCATION,
  MAX_PAUSE,
  type OperateStep,
  type PauseStep,
  type Scenario,
  ScenarioFieldsSchema,
  type ScenarioParameter,
  ScenarioSchema,
  type ScenarioStep,
  STEP_PHASES,
  type StepPhase,
  TECHNOLOGY_AREAS,
  type TechnologyArea,
} from "./schema.ts";
export {
  type ParameterValue,
  renderTemplate,
  TEMPLATE_VARIABLES,
  type TemplateContext,
  TemplateError,
  type TemplateVariable,
  UNIQUE_SUFFIX_LENGTH,
  uniqueSuffix,
} from "./templates.ts";

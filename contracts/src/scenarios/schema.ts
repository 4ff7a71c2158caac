import * as v from "valibot";
import { boundedArray, fieldCheck } from "../events/shared.ts";
import { ScenarioIdSchema } from "../ids.ts";
import { line, text } from "../text.ts";
import { isoDuration } from "../time.ts";
import { JsonObjectSchema, mapOf } from "./json.ts";
import { RESOURCE_TYPE_PATTERN } from "./names.ts";

// The shape of a scenario YAML document. Rules that need more than one field (templates, names, safety)
// live in rules.ts and safety.ts; parseScenario applies them all.

export const TECHNOLOGY_AREAS = [
  "compute",
  "storage",
  "networking",
  "databases",
  "containers",
  "web",
  "identity-security",
  "monitoring",
  "integration",
  "analytics",
] as const;
export type TechnologyArea = (typeof TECHNOLOGY_AREAS)[number];

export const DEFAULT_LOCATION = "westeurope";
export const MAX_STEPS_PER_PHASE = 50;
export const MAX_PARAMETERS = 32;
export const MAX_ROLES = 8;
/** The longest pause between operate steps: long enough to space activity out, short enough to stay live. */
export const MAX_PAUSE = "PT30M";

/**
 * A map with exactly these fields. A misspelt or mis-indented key is an error, not silently ignored:
 * in a scenario it would drop a safety-relevant setting without anyone noticing.
 */
function fields<TEntries extends v.ObjectEntries>(entries: TEntries) {
  const known = Object.keys(entries).join(", ");
  // (Not wrapped in mapOf: variant needs plain object schemas. A list here still fails, on its "0" key.)
  return v.strictObject(entries, (issue) => {
    if (issue.expected === "never") return `unknown field; expected one of: ${known}`;
    if (issue.input === undefined) return "is required";
    return `expected a map with the fields ${known}`;
  });
}

function oneOf(values: readonly string[]): string {
  return `expected one of: ${values.join(", ")}`;
}

const ApiVersionSchema = v.pipe(
  v.string(),
  v.regex(
    /^\d{4}-\d{2}-\d{2}(?:-(?:preview|alpha|beta|privatepreview))?$/,
    "expected a date-like API version such as 2023-05-01",
  ),
);

export const ResourceSchema = fields({
  type: v.pipe(
    v.string(),
    v.regex(
      RESOURCE_TYPE_PATTERN,
      'expected an ARM resource type like "Microsoft.Storage/storageAccounts": a namespace, then type segments',
    ),
    v.maxLength(256, "expected a resource type of at most 256 characters"),
  ),
  /** A template; "/"-separated for nested types. Absent only when listing a top-level type. */
  name: v.optional(
    v.pipe(
      v.string(),
      v.minLength(1, "must not be empty"),
      v.maxLength(512, "expected at most 512 characters"),
    ),
  ),
  apiVersion: ApiVersionSchema,
});

const HttpStatusSchema = v.pipe(
  v.number(),
  v.integer("expected an HTTP status code"),
  v.minValue(100, "expected an HTTP status code (100-599)"),
  v.maxValue(599, "expected an HTTP status code (100-599)"),
);

const ExpectSchema = fields({
  status: v.optional(
    v.pipe(
      boundedArray(HttpStatusSchema, 1, 16, "status codes"),
      v.check((codes) => new Set(codes).size === codes.length, "expected distinct status codes"),
    ),
  ),
});

const stepEntries = {
  /** What a person would say they are doing; shows in logs and reports. */
  name: line(120),
  resource: ResourceSchema,
  expect: v.optional(ExpectSchema),
  /** A failure is logged and the scenario goes on. */
  optional: v.optional(v.boolean(), false),
};

const OperationSchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'expected a resource action name like "regenerateKey"'),
);

const PutStepSchema = fields({ ...stepEntries, action: v.literal("put"), body: JsonObjectSchema });
const PatchStepSchema = fields({ ...stepEntries, action: v.literal("patch"), body: JsonObjectSchema });
const GetStepSchema = fields({ ...stepEntries, action: v.literal("get") });
const PostStepSchema = fields({
  ...stepEntries,
  action: v.literal("post"),
  operation: OperationSchema,
  body: v.optional(JsonObjectSchema),
});
const DeleteStepSchema = fields({ ...stepEntries, action: v.literal("delete") });
const ListStepSchema = fields({ ...stepEntries, action: v.literal("list") });

export const PauseStepSchema = fields({
  name: line(120),
  action: v.literal("pause"),
  duration: isoDuration("PT1S", MAX_PAUSE),
});

const ARM_STEPS = [
  PutStepSchema,
  PatchStepSchema,
  GetStepSchema,
  PostStepSchema,
  DeleteStepSchema,
  ListStepSchema,
] as const;

export const ArmStepSchema = v.variant(
  "action",
  ARM_STEPS,
  `${oneOf(["put", "patch", "get", "post", "delete", "list"])} (pause only in operate)`,
);
export const OperateStepSchema = v.variant(
  "action",
  [...ARM_STEPS, PauseStepSchema],
  oneOf(["put", "patch", "get", "post", "delete", "list", "pause"]),
);

function distinct<T>(values: readonly T[]): boolean {
  return new Set(values).size === values.length;
}

function allowedIncludesDefault<
  TInput extends { default: unknown; allowed?: readonly unknown[] | undefined },
>() {
  return fieldCheck<TInput>(
    "default",
    (input) => input.allowed === undefined || input.allowed.includes(input.default),
    "expected the default to be one of the allowed values",
  );
}

const parameterEntries = { description: line(300) };
const StringParameterSchema = v.pipe(
  fields({
    ...parameterEntries,
    type: v.literal("string"),
    // Long enough for an SSH public key.
    default: line(1024),
    allowed: v.optional(
      v.pipe(
        boundedArray(line(1024), 1, 32, "allowed values"),
        v.check(distinct, "expected distinct values"),
      ),
    ),
  }),
  allowedIncludesDefault(),
);
const IntegerSchema = v.pipe(v.number(), v.safeInteger("expected an integer"));
const IntegerParameterSchema = v.pipe(
  fields({
    ...parameterEntries,
    type: v.literal("integer"),
    default: IntegerSchema,
    allowed: v.optional(
      v.pipe(
        boundedArray(IntegerSchema, 1, 32, "allowed values"),
        v.check(distinct, "expected distinct values"),
      ),
    ),
  }),
  allowedIncludesDefault(),
);
const BooleanParameterSchema = fields({
  ...parameterEntries,
  type: v.literal("boolean"),
  default: v.boolean(),
});

export const ParameterSchema = v.variant(
  "type",
  [StringParameterSchema, IntegerParameterSchema, BooleanParameterSchema],
  oneOf(["string", "integer", "boolean"]),
);

const ParameterNameSchema = v.pipe(
  v.string(),
  v.regex(
    /^[A-Za-z][A-Za-z0-9_]{0,63}$/,
    "expected a parameter name of letters, digits and '_', starting with a letter (used as {{param.<name>}})",
  ),
);

const ParametersSchema = v.pipe(
  mapOf(v.record(ParameterNameSchema, ParameterSchema)),
  v.check(
    (parameters) => Object.keys(parameters).length <= MAX_PARAMETERS,
    `expected at most ${MAX_PARAMETERS} parameters`,
  ),
);

const RoleNameSchema = v.pipe(
  line(128),
  v.regex(
    /^[A-Za-z0-9][A-Za-z0-9 ()._-]*$/,
    'expected an Azure built-in role name like "Storage Account Contributor"',
  ),
);

export const CompanySchema = fields({
  /** Fictional: the company whose administrators would do this work. */
  name: line(80),
  industry: line(80),
  story: text(2000),
});

export const ScenarioFieldsSchema = fields({
  /** Equals the file name without ".yaml". */
  id: ScenarioIdSchema,
  title: line(120),
  description: text(2000),
  technologyArea: v.picklist(TECHNOLOGY_AREAS, oneOf(TECHNOLOGY_AREAS)),
  company: CompanySchema,
  /** Built-in roles the agent's identity gets, always scoped to the agent's own resource group. */
  roles: v.pipe(
    boundedArray(RoleNameSchema, 1, MAX_ROLES, "roles"),
    v.check(distinct, "expected distinct roles"),
  ),
  location: v.optional(
    v.pipe(v.string(), v.regex(/^[a-z][a-z0-9]{1,39}$/, 'expected an Azure region name like "westeurope"')),
    DEFAULT_LOCATION,
  ),
  parameters: v.optional(ParametersSchema, () => ({})),
  steps: fields({
    deploy: boundedArray(ArmStepSchema, 1, MAX_STEPS_PER_PHASE, "deploy steps"),
    operate: boundedArray(OperateStepSchema, 1, MAX_STEPS_PER_PHASE, "operate steps"),
    cleanup: boundedArray(ArmStepSchema, 1, MAX_STEPS_PER_PHASE, "cleanup steps"),
  }),
});

export const ScenarioSchema = mapOf(
  ScenarioFieldsSchema,
  `expected a map with the fields ${Object.keys(ScenarioFieldsSchema.entries).join(", ")}`,
);

export type Scenario = v.InferOutput<typeof ScenarioSchema>;
export type ScenarioParameter = v.InferOutput<typeof ParameterSchema>;
export type ArmStep = v.InferOutput<typeof ArmStepSchema>;
export type PauseStep = v.InferOutput<typeof PauseStepSchema>;
export type OperateStep = v.InferOutput<typeof OperateStepSchema>;
export type ScenarioStep = OperateStep;
export type StepPhase = keyof Scenario["steps"];
export const STEP_PHASES: readonly StepPhase[] = ["deploy", "operate", "cleanup"];

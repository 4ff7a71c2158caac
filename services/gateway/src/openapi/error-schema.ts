// The one error envelope as a schema, for the OpenAPI document and the tests that hold answers to it.
import * as v from "valibot";

export const ErrorEnvelopeSchema = v.pipe(
  v.strictObject({
    error: v.strictObject({
      code: v.pipe(v.string(), v.description("Stable and machine-readable, e.g. ExecutionNotFound.")),
      message: v.pipe(v.string(), v.description("For a person: what is wrong and what to do.")),
      details: v.array(
        v.strictObject({
          path: v.pipe(v.string(), v.description('The field at fault, e.g. "scenarios[0]".')),
          reason: v.string(),
        }),
      ),
      traceId: v.pipe(
        v.string(),
        v.regex(/^[0-9a-f]{32}$/),
        v.description("The request's W3C trace id: quote it when asking for help."),
      ),
    }),
  }),
  v.title("Error"),
);

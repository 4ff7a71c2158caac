import { describe, expect, it } from "vitest";
import {
  renderTemplate,
  type TemplateContext,
  TemplateError,
  templateProblems,
  UNIQUE_SUFFIX_LENGTH,
  uniqueSuffix,
} from "./templates.ts";

const context: TemplateContext = {
  run: "run-20261124-0600-k3f9",
  agent: "a01",
  unique: "q7x2m5n8",
  location: "westeurope",
  resourceGroup: "hm-run-20261124-0600-k3f9-a01",
  subscription: "11111111-2222-3333-4444-555555555555",
  tenant: "99999999-8888-7777-6666-555555555555",
  iteration: 3,
  params: { days: 30, tier: "Cool", enabled: true },
};

describe("renderTemplate", () => {
  it("fills in every variable inside text", () => {
    expect(renderTemplate("st{{unique}}-{{agent}}-{{iteration}}", context)).toBe("stq7x2m5n8-a01-3");
    expect(renderTemplate("{{run}}/{{resourceGroup}}/{{location}}", context)).toBe(
      "run-20261124-0600-k3f9/hm-run-20261124-0600-k3f9-a01/westeurope",
    );
    expect(renderTemplate("{{subscription}} {{tenant}}", context)).toBe(
      "11111111-2222-3333-4444-555555555555 99999999-8888-7777-6666-555555555555",
    );
    expect(renderTemplate("keep {{ param.tier }} for {{param.days}} days", context)).toBe(
      "keep Cool for 30 days",
    );
  });

  it("gives a lone placeholder the value's own type", () => {
    expect(renderTemplate("{{param.days}}", context)).toBe(30);
    expect(renderTemplate("{{param.enabled}}", context)).toBe(true);
    expect(renderTemplate("{{iteration}}", context)).toBe(3);
    expect(renderTemplate(" {{param.days}}", context)).toBe(" 30");
  });

  it("renders deeply through maps and lists, leaving keys and other values alone", () => {
    const body = {
      location: "{{location}}",
      "{{param.tier}}": 1,
      properties: { rules: [{ days: "{{param.days}}", on: "{{param.enabled}}" }, null, 7, false] },
    };
    expect(renderTemplate(body, context)).toEqual({
      location: "westeurope",
      "{{param.tier}}": 1,
      properties: { rules: [{ days: 30, on: true }, null, 7, false] },
    });
    expect(body.location).toBe("{{location}}");
  });

  it("names an unknown variable and where it is", () => {
    const render = () => renderTemplate({ properties: { tags: ["{{colour}}"] } }, context, "body");
    expect(render).toThrow(TemplateError);
    expect(render).toThrow(
      /^body\.properties\.tags\[0\]: unknown template variable "\{\{colour\}\}"; known: \{\{run\}\}/,
    );
  });

  it("names an unknown parameter", () => {
    expect(() => renderTemplate("{{param.weeks}}", context, "resource.name")).toThrow(
      'resource.name: unknown parameter "{{param.weeks}}"',
    );
  });

  it("refuses {{iteration}} outside operate", () => {
    expect(() => renderTemplate("x{{iteration}}", { ...context, iteration: undefined })).toThrow(
      "{{iteration}} is only available in operate steps",
    );
  });

  it.each(["{{unique}", "{unique}}", "{{uni{{que}}", "a }} b"])("refuses the malformed %j", (text) => {
    expect(() => renderTemplate(text, context)).toThrow(/malformed placeholder/);
  });

  it("does not look up inherited properties as parameters", () => {
    expect(() => renderTemplate("{{param.toString}}", context)).toThrow(/unknown parameter/);
  });
});

describe("templateProblems", () => {
  const scope = { parameters: new Set(["days"]), iteration: false };

  it("accepts known variables and declared parameters", () => {
    expect(templateProblems({ a: ["{{unique}}-{{param.days}}", 1, null] }, "body", scope)).toEqual([]);
  });

  it("lists every unknown variable, undeclared parameter and misplaced iteration with its path", () => {
    expect(
      templateProblems({ a: "{{nope}}", b: ["{{param.weeks}}"], c: "{{iteration}}" }, "body", scope),
    ).toEqual([
      { path: "body.a", reason: expect.stringContaining('unknown template variable "{{nope}}"') },
      {
        path: "body.b[0]",
        reason: 'unknown parameter "{{param.weeks}}": declare "weeks" under parameters',
      },
      { path: "body.c", reason: "{{iteration}} is only available in operate steps" },
    ]);
    expect(templateProblems("{{iteration}}", "name", { ...scope, iteration: true })).toEqual([]);
  });
});

describe("uniqueSuffix", () => {
  it("is 8 lowercase letters and digits starting with a letter, stable per agent", () => {
    const suffix = uniqueSuffix("run-20261124-0600-k3f9", "a01");
    expect(suffix).toMatch(/^[a-z][a-z0-9]{7}$/);
    expect(suffix).toHaveLength(UNIQUE_SUFFIX_LENGTH);
    expect(uniqueSuffix("run-20261124-0600-k3f9", "a01")).toBe(suffix);
    expect(uniqueSuffix("run-20261124-0600-k3f9", "a02")).not.toBe(suffix);
    expect(uniqueSuffix("run-20261124-1200-k3f9", "a01")).not.toBe(suffix);
  });
});

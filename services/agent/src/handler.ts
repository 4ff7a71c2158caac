// One agent's run of one scenario: deploy once, operate until the window closes, clean up whatever happened.
// Pure orchestration over its ports (ARM calls, telemetry, a stop signal), so the same code runs in the
// agent process and in-process in tests.
import {
  type ArmStep,
  type JsonObject,
  type OperateStep,
  parseIsoDuration,
  type RenderedArmStep,
  renderStep,
  type Scenario,
  type TemplateContext,
  TemplateError,
} from "@haymaker/contracts";
import { type ArmOutcome, isAccessDenied } from "./arm-outcome.ts";
import { sleep } from "./clock.ts";
import { type ExitCode, exitCodeFor, type Outcome, outcomeOf, type RunFacts } from "./exit-codes.ts";
import { ResourceLedger } from "./ledger.ts";
import { mayOperate, planPause } from "./schedule.ts";
import { bodyWithTags, TagLimitError, type TagOwner } from "./tags.ts";
import type { LogFields, LogLevel, Telemetry } from "./telemetry.ts";

export { EXIT_CODES, type ExitCode, exitCodeFor, type Outcome } from "./exit-codes.ts";

export type Stage = "deploy" | "operate" | "cleanup";

export interface ArmPort {
  call(step: RenderedArmStep, body: JsonObject | undefined, signal?: AbortSignal): Promise<ArmOutcome>;
}

export type TelemetryPort = Pick<Telemetry, "log" | "progress" | "resourceCreated" | "resourceDeleted">;

export interface ScenarioRunInput {
  scenario: Scenario;
  /** Everything but {{iteration}}. */
  context: TemplateContext;
  tagOwner: TagOwner;
  /** Epoch ms at which operating stops (the deadline less the cleanup reserve). */
  operateEndsAt: number;
}

export interface ScenarioRunPorts {
  arm: ArmPort;
  telemetry: TelemetryPort;
  /** Fires on SIGTERM/SIGINT: stop deploying or operating at once and clean up. */
  stop: AbortSignal;
}

export interface ScenarioRunOptions {
  /** Stop operating after this many passes. Unlimited by default; in-process smoke runs use 1. */
  maxIterations?: number;
  /** Multiplies every pause; 1 by default. In-process smoke runs shrink pauses to walk every step quickly. */
  pauseScale?: number;
}

export interface ScenarioRunSummary extends RunFacts {
  outcome: Outcome;
  exitCode: ExitCode;
  stepsRun: number;
  stepsFailed: number;
  /** Required operate steps that failed and were tolerated (logged as warnings). */
  operateFailures: number;
  /** Operate passes begun. */
  iterations: number;
  resourcesCreated: number;
  resourcesDeleted: number;
  leftoverIds: string[];
}

const STAGE_FAILURE_LEVEL: Record<Stage, LogLevel> = { deploy: "error", operate: "warn", cleanup: "error" };

export async function runScenario(
  input: ScenarioRunInput,
  ports: ScenarioRunPorts,
  options: ScenarioRunOptions = {},
): Promise<ScenarioRunSummary> {
  return new ScenarioRun(input, ports, options).run();
}

class ScenarioRun {
  readonly #input: ScenarioRunInput;
  readonly #ports: ScenarioRunPorts;
  readonly #options: ScenarioRunOptions;
  readonly #ledger = new ResourceLedger();
  #stepsRun = 0;
  #stepsFailed = 0;
  #operateFailures = 0;
  #iterations = 0;
  #accessDenied = false;
  #stepFailed = false;
  #stopped = false;

  constructor(input: ScenarioRunInput, ports: ScenarioRunPorts, options: ScenarioRunOptions) {
    this.#input = input;
    this.#ports = ports;
    this.#options = options;
  }

  async run(): Promise<ScenarioRunSummary> {
    const { steps } = this.#input.scenario;
    try {
      const deployed = await this.#deploy(steps.deploy);
      if (deployed) await this.#operate(steps.operate);
    } catch (error) {
      // A bug, not an Azure answer: still clean up, and say what kind of error it was.
      this.#stepFailed = true;
      this.#ports.telemetry.log("error", `agent error before cleanup: ${(error as Error)?.name ?? "Error"}`, {
        error: String((error as Error)?.message ?? error),
      });
    }
    if (this.#ports.stop.aborted) this.#stopped = true;
    const leftoverIds = await this.#cleanup(steps.cleanup);
    return this.#finish(leftoverIds);
  }

  async #deploy(steps: readonly ArmStep[]): Promise<boolean> {
    for (const [index, step] of steps.entries()) {
      if (this.#ports.stop.aborted) {
        this.#stopped = true;
        this.#ports.telemetry.log("warn", "stop requested during deploy: skipping to cleanup", {
          stage: "deploy",
          step: index + 1,
        });
        return false;
      }
      const outcome = await this.#armStep("deploy", index, steps.length, step, undefined, this.#ports.stop);
      if (outcome.ok || step.optional) continue;
      if (outcome.interrupted) this.#stopped = true;
      else this.#failed(outcome);
      return false;
    }
    return true;
  }

  async #operate(steps: readonly OperateStep[]): Promise<void> {
    const { operateEndsAt } = this.#input;
    const { telemetry, stop } = this.#ports;
    if (!mayOperate(Date.now(), operateEndsAt)) {
      telemetry.log("info", "operate skipped: the operate window had closed when deploy finished", {
        stage: "operate",
        iterations: 0,
      });
      return;
    }
    // One signal for "stop operating": a stop request, or the end of the window (cutting a call in flight).
    const window = AbortSignal.any([stop, AbortSignal.timeout(Math.max(0, operateEndsAt - Date.now()))]);
    const maxIterations = this.#options.maxIterations ?? Number.POSITIVE_INFINITY;
    for (let iteration = 1; iteration <= maxIterations; iteration++) {
      if (window.aborted || !mayOperate(Date.now(), operateEndsAt)) break;
      this.#iterations = iteration;
      for (const [index, step] of steps.entries()) {
        if (window.aborted || !mayOperate(Date.now(), operateEndsAt)) break;
        if (step.action === "pause") {
          const finished = await this.#pause(index, steps.length, step.name, step.duration, iteration);
          if (!finished) return this.#noteStop();
          continue;
        }
        const outcome = await this.#armStep("operate", index, steps.length, step, iteration, window);
        if (outcome.ok) continue;
        if (outcome.interrupted) return this.#noteStop();
        if (step.optional) continue;
        if (isAccessDenied(outcome.status)) {
          // Access will not come back by itself, and the identity may be wrong: stop making noise.
          this.#failed(outcome);
          return;
        }
        this.#operateFailures++;
      }
    }
    this.#noteStop();
  }

  /** Waits out a pause, never past the end of the operate window. False when operating must stop. */
  async #pause(index: number, total: number, name: string, duration: string, iteration: number) {
    const scale = this.#options.pauseScale ?? 1;
    const plan = planPause((parseIsoDuration(duration) ?? 0) * scale, Date.now(), this.#input.operateEndsAt);
    this.#ports.telemetry.progress({
      stage: "operate",
      step: index + 1,
      stepsTotal: total,
      iteration,
      message: name,
    });
    const started = Date.now();
    const waited = await sleep(plan.waitMs, this.#ports.stop);
    this.#stepsRun++;
    const cut = !waited
      ? "; cut short by a stop request"
      : plan.cutShort
        ? "; cut short: the operate window closed"
        : "";
    this.#ports.telemetry.log("info", `operate ${index + 1}/${total}: ${name} (${duration}${cut})`, {
      stage: "operate",
      step: index + 1,
      stepsTotal: total,
      iteration,
      action: "pause",
      durationMs: Date.now() - started,
    });
    return waited && !plan.cutShort;
  }

  #noteStop(): void {
    if (this.#ports.stop.aborted) this.#stopped = true;
  }

  async #cleanup(steps: readonly ArmStep[]): Promise<string[]> {
    const failedDeletes: string[] = [];
    for (const [index, step] of steps.entries()) {
      // Never interrupted: cleanup is what a stop request asks for.
      const outcome = await this.#armStep("cleanup", index, steps.length, step, undefined, undefined);
      if (outcome.ok || step.optional) continue;
      if (isAccessDenied(outcome.status)) this.#accessDenied = true;
      if (step.action !== "delete") this.#stepFailed = true;
      else failedDeletes.push(step.name);
    }
    const leftovers = this.#ledger.remainingTopLevel().map((held) => held.resourceId);
    // A failed delete of something the agent never created leaves nothing of its own behind, but it is
    // still a step that failed.
    if (failedDeletes.length > 0 && leftovers.length === 0) this.#stepFailed = true;
    return leftovers;
  }

  #failed(outcome: ArmOutcome): void {
    this.#stepFailed = true;
    if (!outcome.ok && isAccessDenied(outcome.status)) this.#accessDenied = true;
  }

  async #armStep(
    stage: Stage,
    index: number,
    total: number,
    step: ArmStep,
    iteration: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ArmOutcome> {
    const { telemetry, arm } = this.#ports;
    const where = `${stage} ${index + 1}/${total}: ${step.name}`;
    const fields: LogFields = {
      stage,
      step: index + 1,
      stepsTotal: total,
      ...(iteration === undefined ? {} : { iteration }),
      action: step.action,
      resourceType: step.resource.type,
      optional: step.optional,
    };
    telemetry.progress({
      stage,
      step: index + 1,
      stepsTotal: total,
      ...(iteration === undefined ? {} : { iteration }),
      message: step.name,
    });
    let rendered: RenderedArmStep;
    let body: JsonObject | undefined;
    try {
      rendered = renderStep(step, { ...this.#input.context, iteration });
      body = bodyWithTags(rendered.action, rendered.type, rendered.body, this.#input.tagOwner);
    } catch (error) {
      if (!(error instanceof TemplateError || error instanceof TagLimitError)) throw error;
      this.#stepsRun++;
      this.#stepsFailed++;
      const outcome: ArmOutcome = { ok: false, status: undefined, code: "InvalidStep", interrupted: false };
      telemetry.log(step.optional ? "warn" : STAGE_FAILURE_LEVEL[stage], `${where} could not be prepared`, {
        ...fields,
        code: outcome.code,
        reason: error.message,
      });
      return outcome;
    }
    if (rendered.resourceName !== undefined) fields.resource = rendered.resourceName;

    const started = Date.now();
    const outcome = await arm.call(rendered, body, signal);
    this.#stepsRun++;
    fields.durationMs = Date.now() - started;
    if ((outcome.attempts ?? 1) > 1) fields.attempts = outcome.attempts ?? 1;
    if (outcome.ok) {
      fields.status = outcome.status;
      if (outcome.items !== undefined) fields.items = outcome.items;
      this.#record(rendered, outcome);
      telemetry.log("info", outcome.alreadyGone ? `${where} (already gone)` : where, fields);
      return outcome;
    }
    if (rendered.action === "put" && (outcome.status === undefined || outcome.status >= 500)) {
      this.#ledger.putUncertain({ resourceId: rendered.path, resourceType: rendered.type });
    }
    if (outcome.interrupted) {
      telemetry.log("warn", `${where} interrupted`, { ...fields, code: outcome.code });
      return outcome;
    }
    this.#stepsFailed++;
    const what = outcome.status === undefined ? outcome.code : `${outcome.status} ${outcome.code}`;
    const level = step.optional ? "warn" : STAGE_FAILURE_LEVEL[stage];
    telemetry.log(level, `${where} failed (${what})${step.optional ? "; optional, continuing" : ""}`, {
      ...fields,
      ...(outcome.status === undefined ? {} : { status: outcome.status }),
      code: outcome.code,
    });
    return outcome;
  }

  #record(step: RenderedArmStep, outcome: ArmOutcome): void {
    const resource = { resourceId: step.path, resourceType: step.type };
    if (step.action === "put" && this.#ledger.put(resource)) {
      this.#ports.telemetry.resourceCreated(resource.resourceId, resource.resourceType);
    }
    if (step.action === "delete" && outcome.ok) {
      for (const gone of this.#ledger.delete(resource)) {
        this.#ports.telemetry.resourceDeleted(gone.resourceId, gone.resourceType);
      }
    }
  }

  #finish(leftoverIds: string[]): ScenarioRunSummary {
    const facts: RunFacts = {
      accessDenied: this.#accessDenied,
      leftovers: leftoverIds.length,
      stepFailed: this.#stepFailed,
      stoppedBySignal: this.#stopped,
    };
    const summary: ScenarioRunSummary = {
      ...facts,
      outcome: outcomeOf(facts),
      exitCode: exitCodeFor(facts),
      stepsRun: this.#stepsRun,
      stepsFailed: this.#stepsFailed,
      operateFailures: this.#operateFailures,
      iterations: this.#iterations,
      resourcesCreated: this.#ledger.createdCount,
      resourcesDeleted: this.#ledger.deletedCount,
      leftoverIds,
    };
    const level: LogLevel = summary.exitCode === 0 ? "info" : summary.exitCode === 143 ? "warn" : "error";
    this.#ports.telemetry.log(
      level,
      `agent finished: ${summary.outcome} (exit ${summary.exitCode}); ${summary.stepsRun} steps run, ${summary.iterations} operate iteration(s), ${summary.resourcesCreated} resources created, ${summary.resourcesDeleted} deleted${leftoverIds.length ? `, ${leftoverIds.length} left behind` : ""}`,
      {
        outcome: summary.outcome,
        exitCode: summary.exitCode,
        stepsRun: summary.stepsRun,
        stepsFailed: summary.stepsFailed,
        operateFailures: summary.operateFailures,
        iterations: summary.iterations,
        resourcesCreated: summary.resourcesCreated,
        resourcesDeleted: summary.resourcesDeleted,
        leftovers: leftoverIds.length,
        ...(leftoverIds.length ? { leftoverIds: leftoverIds.join(" ") } : {}),
      },
    );
    return summary;
  }
}

// Rule actions: SET and REMOVE statements run in order against the subscription's own copy of the message.
import type { Statement } from "./ast.ts";
import { compileValue } from "./compile-expression.ts";
import type { FilterableMessage, SystemProperties } from "./message.ts";
import { removeUserProperty, writeUserProperty } from "./user-properties.ts";

export type ActionFn = (m: FilterableMessage) => void;

export function compileAction(statements: readonly Statement[], source: string): ActionFn {
  const steps = statements.map((s) => compileStatement(s, source));
  return (m) => {
    for (const step of steps) step(m);
  };
}

function compileStatement(statement: Statement, source: string): ActionFn {
  const { target } = statement;
  if (statement.type === "remove") {
    if (target.type === "sys") {
      const { key } = target;
      return (m) => {
        delete m.system[key];
      };
    }
    const { name } = target;
    const lower = name.toLowerCase();
    return (m) => removeUserProperty(m.user, name, lower);
  }
  const value = compileValue(statement.value, source);
  if (target.type === "sys") {
    const { key } = target;
    return (m) => setSystemString(m.system, key, value(m));
  }
  const { name } = target;
  const lower = name.toLowerCase();
  // An unknown result (a missing property, say) stores NULL: the property then exists with no value.
  return (m) => writeUserProperty(m.user, name, lower, value(m));
}

/**
 * The writable system properties are all strings. Numbers and booleans are converted, as Service Bus converts
 * implicitly where it can; NULL clears the property; anything else (a date, binary) cannot become a header
 * string and leaves the property unchanged.
 */
function setSystemString(system: SystemProperties, key: keyof SystemProperties, value: unknown): void {
  const writable = system as Record<string, unknown>;
  if (value == null) delete writable[key];
  else if (typeof value === "string") writable[key] = value;
  else if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    writable[key] = String(value);
  }
}

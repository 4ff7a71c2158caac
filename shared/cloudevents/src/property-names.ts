import { AMQP_LEGACY_PROPERTY_PREFIX, AMQP_PROPERTY_PREFIX } from "@haymaker/contracts";

/** The application property an attribute is written to. */
export function propertyName(attribute: string): string {
  return AMQP_PROPERTY_PREFIX + attribute;
}

/** The application property an attribute is read from: ours, else the older "cloudEvents:" form. */
export function findProperty(
  properties: Readonly<Record<string, unknown>>,
  attribute: string,
): { name: string; value: unknown } | undefined {
  for (const name of [AMQP_PROPERTY_PREFIX + attribute, AMQP_LEGACY_PROPERTY_PREFIX + attribute]) {
    if (Object.hasOwn(properties, name) && properties[name] !== undefined && properties[name] !== null) {
      return { name, value: properties[name] };
    }
  }
  return undefined;
}

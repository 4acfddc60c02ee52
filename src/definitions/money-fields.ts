/** Which form fields are amounts, as their definition declares it (linter, ajv's messages, pages, notices). */
import type { JsonSchema } from './definition.types.ts';

/**
 * A field holds money when its definition says so: `x-ui: { widget: "money", unit: "fen" }`
 * (`"widget": "money-fen"` is the same, as earlier definitions write it). The name (…Fen) is a
 * convention the linter holds to this declaration, not what pages, notices and parsing read.
 */
export function isMoney(schema: JsonSchema | undefined): boolean {
  const ui = schema?.['x-ui'];
  return ui?.widget === 'money-fen' || (ui?.widget === 'money' && (ui.unit ?? 'fen') === 'fen');
}

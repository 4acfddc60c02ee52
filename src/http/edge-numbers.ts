import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import type { JsonSchema } from '../definitions/definition.types.ts';
import { AppError } from './errors.ts';

/*
 * Numbers are finite and exact where they enter the service. Two holes make this necessary:
 * ajv's string coercion turns "1e999" and "Infinity" into Infinity, and under `strictNumbers`
 * it then skips `minimum`/`maximum` for a non-finite number (ajv-validator/ajv#2212, still open),
 * so `maximum: 60` let Infinity reach the working-day loop; it also reads "0x10" as 16 and " 5"
 * as 5. And JSON.parse reads 1e999 as Infinity and 20-digit integers rounded.
 */

/** A whole number as people write it: decimal digits, at most 15 of them (always exact in a double). */
const INTEGER_TEXT = /^-?\d{1,15}$/;
/** A decimal fraction, 15 significant digits on each side at most. */
const NUMBER_TEXT = /^-?\d{1,15}(\.\d{1,15})?$/;

const INTEGER_MESSAGE = { zh: '须为十进制整数（最多 15 位数字）', en: 'must be a whole number in decimal digits (15 at most)' };
const NUMBER_MESSAGE = { zh: '须为十进制数字（最多 15 位整数）', en: 'must be a decimal number (15 digits at most before the point)' };

/**
 * The integer a query string or form field spells plainly, within [min, max]; otherwise undefined
 * (hex, exponents, blanks, Infinity and overlong digit runs included). Pages fall back on it.
 */
export function decimalInteger(
  text: unknown, min = -Number.MAX_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (typeof text !== 'string' || !INTEGER_TEXT.test(text)) return undefined;
  // `|| 0` reads "-0" as 0.
  const n = Number(text) || 0;
  return n >= min && n <= max ? n : undefined;
}

function numericType(schema: JsonSchema): 'integer' | 'number' | undefined {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return types.includes('integer') ? 'integer' : types.includes('number') ? 'number' : undefined;
}

/**
 * Wraps the coercing validator of a query string, path or headers: a property the schema types as a
 * number must be spelt as a plain decimal before ajv may coerce it; anything else is refused with
 * a field error in ajv's shape (the error handler localizes it through `x-error`).
 */
export function plainNumbersFirst(schema: JsonSchema, validate: ValidateFunction): ValidateFunction {
  const numeric = Object.entries((schema.properties as Record<string, JsonSchema> | undefined) ?? {})
    .map(([name, prop]) => [name, prop, numericType(prop)] as const)
    .filter((p): p is readonly [string, JsonSchema, 'integer' | 'number'] => p[2] !== undefined);
  if (!numeric.length) return validate;
  const wrapped = ((data: unknown, ctx?: Parameters<ValidateFunction>[1]) => {
    const errors: ErrorObject[] = [];
    if (data && typeof data === 'object') {
      for (const [name, prop, type] of numeric) {
        const v = (data as Record<string, unknown>)[name];
        if (typeof v !== 'string') continue;
        if (type === 'integer' ? INTEGER_TEXT.test(v) : NUMBER_TEXT.test(v)) {
          (data as Record<string, unknown>)[name] = Number(v) || 0;
          continue;
        }
        errors.push({
          instancePath: `/${name}`, schemaPath: `#/properties/${name}/type`, keyword: 'type', params: { type }, data: v,
          parentSchema: { ...prop, 'x-error': type === 'integer' ? INTEGER_MESSAGE : NUMBER_MESSAGE },
        });
      }
    }
    if (errors.length) {
      wrapped.errors = errors;
      return false;
    }
    const ok = validate(data, ctx);
    wrapped.errors = validate.errors;
    return ok;
  }) as ValidateFunction;
  // Fastify hands ajv validators (recognised by schemaEnv) the request as parent, so defaults can be filled in.
  wrapped.schemaEnv = validate.schemaEnv;
  return wrapped;
}

/**
 * Refuses a parsed JSON body holding a non-finite number (1e999) or an integer beyond 2^53 (which
 * JSON.parse has already rounded), and reads -0 as 0. Walks without recursion: bodies may nest deeply.
 */
function checkJsonNumbers(body: unknown): string | null {
  const stack: unknown[] = [body];
  while (stack.length) {
    const node = stack.pop();
    if (!node || typeof node !== 'object') continue;
    const entries = Array.isArray(node) ? node.entries() : Object.entries(node);
    for (const [key, v] of entries) {
      if (typeof v === 'number') {
        if (!Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v))) return String(key);
        if (Object.is(v, -0)) (node as Record<string | number, unknown>)[key] = 0;
      } else if (v && typeof v === 'object') stack.push(v);
    }
  }
  return null;
}

/** Fastify's own JSON parser (prototype poisoning refused), followed by the check above. */
export function parseFiniteJson(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, text, done) => {
    parse(req, text as string, (err, body) => {
      if (err) return done(err, undefined);
      const bad = checkJsonNumbers(body);
      if (bad === null) return done(null, body);
      done(new AppError('BAD_REQUEST', {
        detail: {
          zh: `「${bad}」的数值超出范围：数字须为有限值，整数最多 15 位`, en: `The number in "${bad}" is out of range: numbers must be finite, integers 15 digits at most`,
        }
      }), undefined);
    });
  });
}

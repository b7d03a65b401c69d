/**
 * A validator for the JSON-schema subset our document schemas use. Pure, so the
 * sync server and tests validate with exactly the schemas the replica declares.
 * [V1] Returns every problem with its path; never throws on any input.
 */

export type SchemaProblem = { path: string; message: string };

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: readonly string[];
  additionalProperties?: boolean;
  enum?: readonly unknown[];
  pattern?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
};

const patternCache = new Map<string, RegExp>();

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function check(schema: Schema, value: unknown, path: string, out: SchemaProblem[]): void {
  const actual = typeOf(value);
  if (
    schema.type &&
    !(schema.type === actual || (schema.type === 'number' && actual === 'integer'))
  ) {
    out.push({ path, message: `must be ${schema.type}, got ${actual}` });
    return;
  }
  if (schema.enum && !schema.enum.includes(value)) {
    out.push({ path, message: `must be one of ${schema.enum.join(', ')}` });
  }
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && value.length > schema.maxLength) {
      out.push({ path, message: `must be at most ${schema.maxLength} characters` });
    }
    if (schema.pattern !== undefined) {
      let re = patternCache.get(schema.pattern);
      if (!re) patternCache.set(schema.pattern, (re = new RegExp(schema.pattern)));
      if (!re.test(value)) out.push({ path, message: `must match ${schema.pattern}` });
    }
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) {
      out.push({ path, message: `must be at least ${schema.minimum}` });
    }
    if (schema.maximum !== undefined && value > schema.maximum) {
      out.push({ path, message: `must be at most ${schema.maximum}` });
    }
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      out.push({ path, message: `must have at least ${schema.minItems} items` });
    }
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      out.push({ path, message: `must have at most ${schema.maxItems} items` });
    }
    if (schema.items) value.forEach((item, i) => check(schema.items!, item, `${path}[${i}]`, out));
  }
  if (actual === 'object' && schema.properties) {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      if (!(key in record)) out.push({ path: `${path}.${key}`, message: 'is required' });
    }
    for (const [key, child] of Object.entries(record)) {
      const sub = schema.properties[key];
      if (sub) check(sub, child, `${path}.${key}`, out);
      else if (schema.additionalProperties === false) {
        out.push({ path: `${path}.${key}`, message: 'is not allowed' });
      }
    }
  }
}

export function validateAgainstSchema(schema: object, value: unknown): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  check(schema as Schema, value, '$', out);
  return out;
}

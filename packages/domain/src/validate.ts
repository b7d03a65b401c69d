/**
 * A validator for the JSON-schema subset our document schemas use. Pure, so the
 * sync server and tests validate with exactly the schemas the replica declares.
 * [V1] Returns every problem with its path; never throws on any input.
 * [V2] Names are looked up as own properties only. [V3] A value deeper or
 * larger than the document limits is refused before the schema is checked,
 * by a walk without recursion.
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

/** [V3] Limits of any stored document, whatever its schema says. */
export const DOCUMENT_LIMITS = {
  /** Nesting of objects and arrays; the deepest schema nests 5. */
  maxDepth: 16,
  /** Characters of any string or key; every schema field is far shorter. */
  maxStringLength: 10_000,
  /** Values (objects, arrays, strings, numbers...) in one document. */
  maxNodes: 100_000,
} as const;

/** [V2] Names that reach the prototype or the constructor of an object: never a document field. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * [V2] [V3] Checks a whole value without recursion: nesting, string and key
 * lengths, the number of values, and keys that name the prototype. Returns
 * the first problem (a value over a limit is not read further), or null.
 */
export function documentLimitProblem(value: unknown): SchemaProblem | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '$', depth: 0 }];
  let nodes = 0;
  while (stack.length) {
    const { value: v, path, depth } = stack.pop()!;
    if (++nodes > DOCUMENT_LIMITS.maxNodes) {
      return { path: '$', message: `must hold at most ${DOCUMENT_LIMITS.maxNodes} values` };
    }
    if (typeof v === 'string') {
      if (v.length > DOCUMENT_LIMITS.maxStringLength) {
        return { path, message: `must be at most ${DOCUMENT_LIMITS.maxStringLength} characters` };
      }
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= DOCUMENT_LIMITS.maxDepth) {
      return { path, message: `must nest at most ${DOCUMENT_LIMITS.maxDepth} levels` };
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i], path: `${path}[${i}]`, depth: depth + 1 });
      }
      continue;
    }
    for (const key of Object.keys(v)) {
      if (key.length > DOCUMENT_LIMITS.maxStringLength) {
        return { path, message: `has a key over ${DOCUMENT_LIMITS.maxStringLength} characters` };
      }
      if (FORBIDDEN_KEYS.has(key)) return { path: `${path}.${key}`, message: 'is not allowed' };
      stack.push({
        value: (v as Record<string, unknown>)[key],
        path: `${path}.${key}`,
        depth: depth + 1,
      });
    }
  }
  return null;
}

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
      if (!Object.hasOwn(record, key)) out.push({ path: `${path}.${key}`, message: 'is required' });
    }
    for (const [key, child] of Object.entries(record)) {
      // [V2] Own properties only: `constructor` or `toString` are not on every schema.
      const sub = Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
      if (sub) check(sub, child, `${path}.${key}`, out);
      else if (schema.additionalProperties === false) {
        out.push({ path: `${path}.${key}`, message: 'is not allowed' });
      }
    }
  }
}

export function validateAgainstSchema(schema: object, value: unknown): SchemaProblem[] {
  const tooBig = documentLimitProblem(value);
  if (tooBig) return [tooBig];
  const out: SchemaProblem[] = [];
  check(schema as Schema, value, '$', out);
  return out;
}

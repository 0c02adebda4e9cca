import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Request checks against GitHub's published OpenAPI description (@octokit/openapi):
 * find the operation by method and path template, then check the query parameters and the
 * JSON body against the operation's parameters and requestBody schema.
 */

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  operationId: string;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required?: boolean; content?: Record<string, { schema: Schema }> };
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
}

const require = createRequire(import.meta.url);
let cached: Spec | null = null;
function spec(): Spec {
  // Only the one description used, not the package index (which loads every GHES version).
  cached ??= JSON.parse(
    readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8'),
  ) as Spec;
  return cached;
}

function resolve<T>(node: T): T {
  let n = node as unknown as { $ref?: string };
  while (n && typeof n === 'object' && typeof n.$ref === 'string') {
    const parts = n.$ref.replace(/^#\//, '').split('/');
    let cur: unknown = spec();
    for (const p of parts) cur = (cur as Record<string, unknown>)[p];
    n = cur as { $ref?: string };
  }
  return n as unknown as T;
}

interface Route {
  template: string;
  regex: RegExp;
  literals: number;
}
let routes: Route[] | null = null;
function allRoutes(): Route[] {
  routes ??= Object.keys(spec().paths)
    .map((template) => ({
      template,
      regex: new RegExp(
        `^${template
          .split(/(\{[^}]+\})/)
          .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
          .join('')}$`,
      ),
      literals: template.split('/').filter((s) => s && !s.startsWith('{')).length,
    }))
    // A literal segment beats a parameter: /repos/{o}/{r}/pulls before /repos/{o}/{r}/{x}.
    .sort((a, b) => b.literals - a.literals);
  return routes;
}

export interface Match {
  operationId: string;
  template: string;
  errors: string[];
}

/** The operation a request is, and what is wrong with it; null when no operation matches. */
export function checkRequest(method: string, url: URL, body: unknown, hasBody: boolean): Match | null {
  const m = method.toLowerCase();
  const route = allRoutes().find((r) => r.regex.test(url.pathname) && spec().paths[r.template]![m]);
  if (!route) return null;
  const op = spec().paths[route.template]![m]!;
  const errors: string[] = [];
  const params = (op.parameters ?? []).map((p) => resolve(p) as Parameter);
  for (const [name, value] of url.searchParams) {
    const p = params.find((q) => q.in === 'query' && q.name === name);
    if (!p) errors.push(`query parameter ${name} is not a parameter of ${op.operationId}`);
    else if (p.schema) errors.push(...validate(coerce(value, resolve(p.schema)), p.schema, `query.${name}`));
  }
  for (const p of params)
    if (p.in === 'query' && p.required && !url.searchParams.has(p.name))
      errors.push(`required query parameter ${p.name} is missing`);
  const content = op.requestBody?.content?.['application/json'];
  if (hasBody && !content) errors.push(`${op.operationId} takes no JSON body`);
  if (!hasBody && op.requestBody?.required) errors.push(`${op.operationId} needs a JSON body`);
  if (hasBody && content) errors.push(...validate(body, content.schema, 'body'));
  return { operationId: op.operationId, template: route.template, errors };
}

function coerce(value: string, schema: Schema): unknown {
  if (schema.type === 'integer' || schema.type === 'number') return Number(value);
  if (schema.type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Enough of JSON Schema for GitHub's request bodies: $ref, type, nullable, enum, required, properties, additionalProperties, items, oneOf/anyOf/allOf. */
export function validate(value: unknown, schemaIn: Schema, at: string): string[] {
  const schema = resolve(schemaIn);
  const errors: string[] = [];
  if (value === null && schema.nullable === true) return [];
  if (Array.isArray(schema.allOf))
    for (const s of schema.allOf as Schema[]) errors.push(...validate(value, s, at));
  for (const key of ['oneOf', 'anyOf'] as const) {
    const alts = schema[key] as Schema[] | undefined;
    if (alts && !alts.some((s) => validate(value, s, at).length === 0))
      errors.push(`${at}: matches none of ${key}`);
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    const t = typeOf(value);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number')))
      return [...errors, `${at}: expected ${types.join(' | ')}, got ${t}`];
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeOf(value) === 'object') {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const r of (schema.required as string[] | undefined) ?? [])
      if (!(r in obj)) errors.push(`${at}: required property ${r} is missing`);
    for (const [k, v] of Object.entries(obj)) {
      if (props[k]) errors.push(...validate(v, props[k], `${at}.${k}`));
      else if (schema.additionalProperties === false) errors.push(`${at}: unknown property ${k}`);
      else if (schema.properties && schema.additionalProperties === undefined)
        errors.push(`${at}: property ${k} is not in the schema`);
    }
  }
  if (Array.isArray(value) && schema.items)
    value.forEach((v, i) => errors.push(...validate(v, schema.items as Schema, `${at}[${i}]`)));
  return errors;
}

// Published Kubernetes CRDs (test/fixtures/crds) as JSON Schema for ajv: the structural openAPIV3Schema of one
// version, with the Kubernetes extensions translated and unknown fields rejected, as `kubectl apply --validate=strict`
// (server-side field validation) rejects them. CEL rules (x-kubernetes-validations) are not evaluated here; the tests
// restate by hand the ones that apply to what the export writes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

export const CRD_DIR = join(__dirname, '../../fixtures/crds');

type Schema = Record<string, unknown>;

interface Crd {
  spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
}

/** ObjectMeta as the API server checks it for what the export writes: name, namespace, labels. */
const OBJECT_META: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: {
      type: 'string',
      maxLength: 253,
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$',
    },
    namespace: { type: 'string', maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
    labels: {
      type: 'object',
      propertyNames: {
        maxLength: 317,
        pattern:
          '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$',
      },
      additionalProperties: { type: 'string', maxLength: 63, pattern: '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$' },
    },
  },
};

/** One OpenAPI v3 structural schema node -> JSON Schema (draft-07, as ajv reads it). */
export function toJsonSchema(node: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-') || key === 'description' || key === 'nullable') continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, Schema>).map(([name, child]) => [name, toJsonSchema(child)]),
      );
    } else if (key === 'items' || key === 'additionalProperties' || key === 'not') {
      out[key] = typeof value === 'object' ? toJsonSchema(value as Schema) : value;
    } else if (key === 'anyOf' || key === 'oneOf' || key === 'allOf') {
      out[key] = (value as Schema[]).map(toJsonSchema);
    } else {
      out[key] = value;
    }
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf ??= [{ type: 'integer' }, { type: 'string' }];
  }
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  const open = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties && out.additionalProperties === undefined && !open) out.additionalProperties = false;
  return out;
}

/** The JSON Schema of a CRD version, with ObjectMeta checked as the API server would for our fields. */
export function crdJsonSchema(file: string, version: string): { kind: string; apiVersion: string; schema: Schema } {
  const crd = parse(readFileSync(join(CRD_DIR, file), 'utf8')) as Crd;
  const served = crd.spec.versions.find((v) => v.name === version);
  if (!served) throw new Error(`${file} has no version ${version}`);
  const schema = toJsonSchema(served.schema.openAPIV3Schema);
  const properties = schema.properties as Record<string, Schema>;
  properties.metadata = OBJECT_META;
  const apiVersion = `${crd.spec.group}/${version}`;
  properties.apiVersion = { const: apiVersion };
  properties.kind = { const: crd.spec.names.kind };
  schema.required = ['apiVersion', 'kind', 'metadata', 'spec'];
  return { kind: crd.spec.names.kind, apiVersion, schema };
}

export function newAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isSafeInteger(n) });
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv;
}

export function errorsOf(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`).join('\n');
}

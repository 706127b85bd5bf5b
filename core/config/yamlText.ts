// Small helpers on YAML source text: line boundaries, columns, and rendering values as YAML at a given place.
import { stringify } from 'yaml';
import type { FormValue } from '../configEditor/messages';

export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The offset just after the newline that ends the line holding `offset` (text.length on the last line). */
export function afterLine(text: string, offset: number): number {
  const newline = text.indexOf('\n', offset);
  return newline === -1 ? text.length : newline + 1;
}

export function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** True when only spaces stand between the start of the line and `offset`. */
export function firstOnLine(text: string, offset: number): boolean {
  return /^ *$/.test(text.slice(lineStart(text, offset), offset));
}

export function isCommentLine(line: string): boolean {
  return /^\s*#/.test(line);
}

export function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end);
}

/** `${env:NAME}` / `${secret:NAME}`: plain in block context, as the docs write them. */
const REFERENCE = /^\$\{(env|secret):[A-Za-z0-9_.-]+\}$/;

function isScalarValue(value: FormValue): value is string | number | boolean | null {
  return value === null || typeof value !== 'object';
}

/** A scalar as YAML source; `inFlow` quotes strings that would break a flow collection. */
export function renderScalar(value: string | number | boolean | null, inFlow: boolean): string {
  if (typeof value !== 'string') return value === null ? 'null' : String(value);
  if (value.includes('\n')) return JSON.stringify(value);
  if (!inFlow && REFERENCE.test(value)) return value;
  const plain = stringify(value, { lineWidth: 0 }).trimEnd();
  if (plain.includes('\n') || (inFlow && /[,[\]{}]/.test(plain))) return JSON.stringify(value);
  return plain;
}

/** A value in flow style (`[a, b]`, `{ k: v }`), or undefined when it holds nested collections of maps. */
export function renderFlow(value: FormValue): string | undefined {
  if (isScalarValue(value)) return renderScalar(value, true);
  if (Array.isArray(value)) {
    if (!value.every(isScalarValue)) return undefined;
    return `[${value.map((item) => renderScalar(item as string | number | boolean | null, true)).join(', ')}]`;
  }
  const parts: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    const rendered = Array.isArray(item) || isScalarValue(item) ? renderFlow(item) : undefined;
    if (rendered === undefined) return undefined;
    parts.push(`${renderScalar(key, true)}: ${rendered}`);
  }
  return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
}

/** A short value inline, else undefined (then it goes on lines of its own). */
export function renderInline(value: FormValue): string | undefined {
  const flow = renderFlow(value);
  return flow !== undefined && flow.length <= 80 ? flow : undefined;
}

/** A collection in block style, each line indented by `indent` spaces, ending with a newline. */
export function renderBlock(value: FormValue, indent: number): string {
  const body = stringify(value, { indent: 2, lineWidth: 0 });
  const pad = ' '.repeat(indent);
  return body
    .trimEnd()
    .split('\n')
    .map((line) => (line ? pad + line : line))
    .join('\n')
    .concat('\n');
}

/** `key: value` lines at `indent`, ending with a newline. */
export function renderPair(key: string, value: FormValue, indent: number): string {
  const pad = ' '.repeat(indent);
  const inline = isScalarValue(value) ? renderScalar(value, false) : renderInline(value);
  if (inline !== undefined) return `${pad}${renderScalar(key, false)}: ${inline}\n`;
  return `${pad}${renderScalar(key, false)}:\n${renderBlock(value, indent + 2)}`;
}

/** A `- item` block sequence entry at `indent` (the dash's column), ending with a newline. */
export function renderSeqItem(value: FormValue, indent: number): string {
  if (isScalarValue(value) || Array.isArray(value)) {
    return `${' '.repeat(indent)}- ${renderInline(value) ?? renderScalar(JSON.stringify(value), false)}\n`;
  }
  const block = renderBlock(value, indent + 2);
  return `${' '.repeat(indent)}- ${block.slice(indent + 2)}`;
}

// Applies one form edit to the YAML text. The `yaml` Document API states what the result must mean; a text splice
// (yamlSplice) produces it while leaving every untouched byte alone, and is kept only when it parses to exactly that
// meaning. Otherwise the edited Document is printed whole (comments survive, some formatting may not).
import { isDeepStrictEqual } from 'node:util';
import { type Document, isScalar, isSeq, parseDocument } from 'yaml';
import type { FormEdit, FormValue } from '../configEditor/messages';
import { effectiveDeletePath, resolvePath, type SpliceOptions, spliceEdit } from './yamlSplice';

export class FormEditError extends Error {
  override name = 'FormEditError';
}

export interface FormEditResult {
  text: string;
  /** True when the minimal splice was used; false when the document had to be printed whole. */
  minimal: boolean;
}

export function applyFormEdit(text: string, edit: FormEdit, options: SpliceOptions = {}): FormEditResult {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) throw new FormEditError('The file has YAML syntax errors: fix them in the text first.');
  const effective = normalizeEdit(doc, edit);
  if (resolvePath(doc, effective.path).alias) {
    throw new FormEditError('This value comes from a YAML alias (*name): edit it in the text, where its anchor is.');
  }
  const expected = doc.clone();
  applyToDocument(expected, effective);
  const wanted = expected.toJS();
  const spliced = spliceEdit(text, doc, effective, options);
  if (spliced !== undefined) {
    const check = parseDocument(spliced, { uniqueKeys: false });
    if (check.errors.length === 0 && isDeepStrictEqual(check.toJS(), wanted)) return { text: spliced, minimal: true };
  }
  return { text: expected.toString({ lineWidth: 0 }), minimal: false };
}

/**
 * The same edit in the form both the Document API and the splicer handle: a delete that would empty a map removes
 * the map's key; a set or append below an empty key (`healthCheck:` with nothing after it) sets that key whole.
 */
function normalizeEdit(doc: Document, edit: FormEdit): FormEdit {
  if (edit.kind === 'delete') return { kind: 'delete', path: effectiveDeletePath(doc, edit.path) };
  if (edit.kind === 'move') return edit;
  const { steps, complete } = resolvePath(doc, edit.path);
  const last = steps.at(-1);
  if (!last || !isScalar(last.node) || last.node.value !== null) return edit;
  if (complete) return edit.kind === 'append' ? { kind: 'set', path: edit.path, value: [edit.value] } : edit;
  const rest = edit.path.slice(steps.length);
  if (rest.some((segment) => typeof segment !== 'string')) return edit;
  const leaf: FormValue = edit.kind === 'append' ? [edit.value] : edit.value;
  const value = rest.reduceRight<FormValue>((inner, segment) => ({ [segment as string]: inner }), leaf);
  return { kind: 'set', path: edit.path.slice(0, steps.length), value };
}

function applyToDocument(doc: Document, edit: FormEdit): void {
  try {
    switch (edit.kind) {
      case 'set':
        doc.setIn(edit.path, doc.createNode(edit.value));
        return;
      case 'delete':
        if (!doc.hasIn(edit.path)) throw new FormEditError(`${edit.path.join('.')} is not in the file`);
        doc.deleteIn(edit.path);
        return;
      case 'append': {
        const seq = doc.getIn(edit.path, true);
        if (seq === undefined) doc.setIn(edit.path, doc.createNode([edit.value]));
        else if (isSeq(seq)) {
          if (seq.items.length === 0 && typeof edit.value === 'object' && edit.value !== null) seq.flow = false;
          seq.items.push(doc.createNode(edit.value));
        } else throw new FormEditError(`${edit.path.join('.')} is not a list`);
        return;
      }
      case 'move': {
        const seq = doc.getIn(edit.path, true);
        const count = isSeq(seq) ? seq.items.length : 0;
        if (!isSeq(seq) || edit.from >= count || edit.to >= count || edit.from < 0 || edit.to < 0) {
          throw new FormEditError(`cannot move item ${edit.from} of ${edit.path.join('.')} to ${edit.to}`);
        }
        seq.items.splice(edit.to, 0, ...seq.items.splice(edit.from, 1));
        return;
      }
    }
  } catch (error) {
    if (error instanceof FormEditError) throw error;
    throw new FormEditError(`cannot edit ${edit.path.join('.')}: ${(error as Error).message}`);
  }
}

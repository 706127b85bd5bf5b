// The form's view of a vllm-pools.yaml text: its values as written, the aliased paths, and each validation issue
// placed on the innermost value or key at its line and column. Pure: no vscode import.
import { isAlias, isMap, isScalar, isSeq, type Node, parseDocument } from 'yaml';
import type { ConfigIssue } from '../../core/config/types';
import type { FieldIssue, FormModel, FormValue, YamlPath } from '../../core/configEditor/messages';
import { pathKey } from '../../core/configEditor/messages';

export function readFormModel(text: string, issues: readonly ConfigIssue[]): FormModel {
  const doc = parseDocument(text, { uniqueKeys: false });
  const syntaxOk = doc.errors.length === 0;
  let values: FormValue = null;
  if (syntaxOk) {
    try {
      values = (doc.toJS({ maxAliasCount: 1000 }) ?? null) as FormValue;
    } catch {
      values = null;
    }
  }
  const root = doc.contents as Node | null;
  const starts = lineStarts(text);
  const aliased: string[] = [];
  collectAliases(root, [], aliased);
  return {
    syntaxOk,
    values,
    aliased,
    issues: issues.map((issue): FieldIssue => {
      const offset = (starts[issue.line - 1] ?? text.length) + issue.col - 1;
      return {
        path: pathKey(pathAtOffset(root, offset, [])),
        line: issue.line,
        col: issue.col,
        message: issue.message,
        severity: issue.severity,
      };
    }),
  };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function contains(node: unknown, offset: number): boolean {
  const range = (node as Node | null)?.range;
  return !!range && offset >= range[0] && (offset < range[1] || offset === range[0]);
}

/** The path of the innermost key or value whose source contains `offset`. */
export function pathAtOffset(node: Node | null, offset: number, path: YamlPath): YamlPath {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (contains(pair.key, offset)) return [...path, key];
      if (contains(pair.value, offset)) return pathAtOffset(pair.value as Node, offset, [...path, key]);
    }
  } else if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      if (contains(item, offset)) return pathAtOffset(item as Node, offset, [...path, index]);
    }
  }
  return path;
}

function collectAliases(node: Node | null, path: YamlPath, out: string[]): void {
  if (isAlias(node)) {
    out.push(pathKey(path));
  } else if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key)) collectAliases(pair.value as Node | null, [...path, String(pair.key.value)], out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      collectAliases(item as Node, [...path, index], out);
    });
  }
}

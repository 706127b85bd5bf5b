// Applies a FormEdit as a text splice at positions found in the parsed document, so every byte the edit does not
// concern stays as it was (comments, quoting, flow maps, blank lines, odd indentation). Returns undefined for shapes
// it does not handle; the caller then falls back to re-printing the document.
import {
  type Document,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { FormEdit, FormValue, YamlPath } from '../configEditor/messages';
import {
  afterLine,
  column,
  firstOnLine,
  isCommentLine,
  lineStart,
  renderBlock,
  renderFlow,
  renderInline,
  renderPair,
  renderScalar,
  renderSeqItem,
  splice,
} from './yamlText';

type Range = [number, number, number];

/** One step of a resolved path: the collection, and the pair (maps) or index (sequences) inside it. */
interface Step {
  parent: YAMLMap | YAMLSeq;
  pair?: Pair;
  index: number;
  node: Node | null;
}

/** Follows `path` while it exists; stops at the first missing key or at an alias. */
export function resolvePath(doc: Document, path: YamlPath): { steps: Step[]; complete: boolean; alias: boolean } {
  const steps: Step[] = [];
  let node = doc.contents as Node | null;
  for (const segment of path) {
    if (isAlias(node)) return { steps, complete: false, alias: true };
    if (isMap(node)) {
      const index = node.items.findIndex((pair) => isScalar(pair.key) && pair.key.value === segment);
      if (index === -1) return { steps, complete: false, alias: false };
      const pair = node.items[index]!;
      steps.push({ parent: node, pair, index, node: pair.value as Node | null });
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      steps.push({ parent: node, index: segment, node: node.items[segment] as Node });
      node = node.items[segment] as Node;
    } else {
      return { steps, complete: false, alias: false };
    }
  }
  return { steps, complete: true, alias: isAlias(node) };
}

function rangeOf(node: Node | null | undefined): Range | undefined {
  return (node?.range as Range | undefined) ?? undefined;
}

function inFlowContext(steps: Step[]): boolean {
  return steps.some((step) => isCollection(step.parent) && step.parent.flow);
}

/** Where a missing key goes: after the key named here when its map has it, else at the end of the map. */
export interface SpliceOptions {
  insertAfter?: string;
}

export function spliceEdit(
  text: string,
  doc: Document,
  edit: FormEdit,
  options: SpliceOptions = {},
): string | undefined {
  switch (edit.kind) {
    case 'set':
      return spliceSet(text, doc, edit.path, edit.value, options.insertAfter);
    case 'delete':
      return spliceDelete(text, doc, edit.path);
    case 'append':
      return spliceAppend(text, doc, edit.path, edit.value);
    case 'move':
      return spliceMove(text, doc, edit.path, edit.from, edit.to);
  }
}

function spliceSet(
  text: string,
  doc: Document,
  path: YamlPath,
  value: FormValue,
  insertAfter?: string,
): string | undefined {
  const { steps, complete, alias } = resolvePath(doc, path);
  if (alias) return undefined;
  if (!complete) return insertMissing(text, doc, path, steps, value, insertAfter);
  const node = steps.at(-1)?.node;
  const range = rangeOf(node);
  if (!node || !range) return undefined;
  if (isScalar(node) && node.value === null && range[0] === range[1]) return fillEmptyValue(text, steps, value);
  if (isScalar(node) || (isCollection(node) && node.flow)) {
    return splice(text, range[0], range[1], renderInPlace(node, value, inFlowContext(steps)));
  }
  if (isCollection(node) && typeof value === 'object' && value !== null && firstOnLine(text, range[0])) {
    const start = lineStart(text, range[0]);
    const end = text[range[1] - 1] === '\n' ? range[1] : afterLine(text, range[1]);
    return splice(text, start, end, renderBlock(value, column(text, range[0])));
  }
  return undefined;
}

/** A key with nothing after its colon (`healthCheck:`) gets the value there, or on indented lines below. */
function fillEmptyValue(text: string, steps: Step[], value: FormValue): string | undefined {
  const step = steps.at(-1);
  const keyRange = rangeOf(step?.pair?.key as Node);
  if (!step || !keyRange || !isMap(step.parent)) return undefined;
  const colon = text.indexOf(':', keyRange[1]);
  if (colon === -1) return undefined;
  const inline = step.parent.flow ? renderFlow(value) : renderInline(value);
  if (inline !== undefined) return splice(text, colon + 1, colon + 1, ` ${inline}`);
  if (step.parent.flow || !firstOnLine(text, keyRange[0]) || value === null || typeof value !== 'object')
    return undefined;
  const block = renderBlock(value, column(text, keyRange[0]) + 2).replace(/\n$/, '');
  return splice(text, colon + 1, colon + 1, `\n${block}`);
}

/** The new value for a scalar or flow node, keeping the scalar's quote style. */
function renderInPlace(node: Node, value: FormValue, inFlow: boolean): string {
  if (isScalar(node) && typeof value === 'string') {
    if (node.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
    if (node.type === 'QUOTE_SINGLE' && !value.includes('\n')) return `'${value.replace(/'/g, "''")}'`;
  }
  if (value !== null && typeof value === 'object') return renderFlow(value) ?? JSON.stringify(value);
  return renderScalar(value, inFlow || (isCollection(node) && node.flow === true));
}

/** Adds the missing tail of `path` under the deepest map that exists. */
function insertMissing(
  text: string,
  doc: Document,
  path: YamlPath,
  steps: Step[],
  value: FormValue,
  insertAfter?: string,
): string | undefined {
  const owner = steps.length === 0 ? (doc.contents as Node | null) : steps.at(-1)!.node;
  if (!isMap(owner) || owner.items.length === 0) return undefined;
  const rest = path.slice(steps.length);
  const key = rest[0];
  if (typeof key !== 'string' || rest.slice(1).some((segment) => typeof segment !== 'string')) return undefined;
  const nested = rest
    .slice(1)
    .reverse()
    .reduce<FormValue>((inner, segment) => ({ [segment as string]: inner }), value);
  const anchor =
    (insertAfter === undefined
      ? undefined
      : owner.items.find((pair) => isScalar(pair.key) && pair.key.value === insertAfter)) ?? owner.items.at(-1)!;
  const lastEnd = pairEnd(anchor, owner.flow);
  const firstKey = rangeOf(owner.items[0]!.key as Node);
  if (lastEnd === undefined || !firstKey) return undefined;
  if (owner.flow) {
    const rendered = renderFlow(nested);
    if (rendered === undefined) return undefined;
    return splice(text, lastEnd, lastEnd, `, ${renderScalar(key, true)}: ${rendered}`);
  }
  const at = text[lastEnd - 1] === '\n' ? lastEnd : afterLine(text, lastEnd);
  const prefix = at === text.length && !text.endsWith('\n') ? '\n' : '';
  return splice(text, at, at, prefix + renderPair(key, nested, column(text, firstKey[0])));
}

/** A delete that would leave a map empty deletes that map's key instead. */
export function effectiveDeletePath(doc: Document, path: YamlPath): YamlPath {
  let current = path;
  while (current.length > 1 && typeof current.at(-1) === 'string') {
    const { steps, complete } = resolvePath(doc, current);
    const step = steps.at(-1);
    if (!complete || !step || !isMap(step.parent) || step.parent.items.length > 1) break;
    if (typeof current.at(-2) !== 'string') break;
    current = current.slice(0, -1);
  }
  return current;
}

function spliceDelete(text: string, doc: Document, path: YamlPath): string | undefined {
  const { steps, complete } = resolvePath(doc, path);
  const step = steps.at(-1);
  if (!complete || !step) return undefined;
  if (isMap(step.parent)) return deletePair(text, step.parent, step.index);
  return deleteItem(text, steps, step.parent, step.index);
}

function pairStart(pair: Pair): number | undefined {
  return rangeOf(pair.key as Node)?.[0];
}

/** Where a pair ends: after its trailing comment in block maps, right after the value in flow maps. */
function pairEnd(pair: Pair, flow = false): number | undefined {
  return rangeOf(pair.value as Node)?.[flow ? 1 : 2] ?? rangeOf(pair.key as Node)?.[1];
}

function deletePair(text: string, map: YAMLMap, index: number): string | undefined {
  const pair = map.items[index]!;
  const start = pairStart(pair);
  const end = pairEnd(pair);
  if (start === undefined || end === undefined) return undefined;
  if (map.flow) {
    return deleteFlowEntry(
      text,
      map.items.map(pairStart),
      map.items.map((item) => pairEnd(item, true)),
      index,
    );
  }
  if (!firstOnLine(text, start)) {
    // The first key of a `- key: value` item: the next key moves up onto the dash's line.
    const next = map.items[index + 1];
    const nextStart = next ? pairStart(next) : undefined;
    if (index !== 0 || nextStart === undefined) return undefined;
    return splice(text, start, nextStart, '');
  }
  const end0 = text[end - 1] === '\n' ? end : afterLine(text, end);
  return splice(text, lineStart(text, start), end0, '');
}

function deleteFlowEntry(
  text: string,
  starts: (number | undefined)[],
  ends: (number | undefined)[],
  index: number,
): string | undefined {
  const start = starts[index];
  const end = ends[index];
  if (start === undefined || end === undefined) return undefined;
  if (index > 0) {
    const previousEnd = ends[index - 1];
    return previousEnd === undefined ? undefined : splice(text, previousEnd, end, '');
  }
  const nextStart = starts[index + 1];
  if (nextStart !== undefined) return splice(text, start, nextStart, '');
  return splice(text, start, end, '');
}

/** Where a block sequence item's lines start (its dash, with the comment lines just above) and end. */
function itemBlock(text: string, item: Node, floor: number): { start: number; end: number } | undefined {
  const range = rangeOf(item);
  if (!range) return undefined;
  let dash = range[0] - 1;
  while (dash >= 0 && (text[dash] === ' ' || text[dash] === '\n' || text[dash] === '\r')) dash--;
  if (text[dash] !== '-' || !firstOnLine(text, dash)) return undefined;
  let start = lineStart(text, dash);
  while (start > floor) {
    const above = lineStart(text, start - 1);
    if (above < floor || !isCommentLine(text.slice(above, start))) break;
    start = above;
  }
  const end = text[range[1] - 1] === '\n' ? range[1] : afterLine(text, Math.max(range[1], range[2]) - 1);
  return { start, end };
}

function blocksOf(text: string, seq: YAMLSeq, floor: number): { start: number; end: number }[] | undefined {
  const blocks: { start: number; end: number }[] = [];
  let previousEnd = floor;
  for (const item of seq.items) {
    const block = itemBlock(text, item as Node, previousEnd);
    if (!block) return undefined;
    blocks.push(block);
    previousEnd = block.end;
  }
  return blocks;
}

/** The offset after the key that owns this sequence (its line), so item comments never climb above it. */
function seqFloor(text: string, steps: Step[], seq: YAMLSeq): number {
  const owner = steps.find((step) => step.node === seq)?.pair;
  const keyEnd = rangeOf(owner?.key as Node)?.[1];
  return keyEnd === undefined ? lineStart(text, rangeOf(seq)?.[0] ?? 0) : afterLine(text, keyEnd);
}

function deleteItem(text: string, steps: Step[], seq: YAMLSeq, index: number): string | undefined {
  if (seq.flow) {
    const items = seq.items as Node[];
    return deleteFlowEntry(
      text,
      items.map((item) => rangeOf(item)?.[0]),
      items.map((item) => rangeOf(item)?.[1]),
      index,
    );
  }
  const blocks = blocksOf(text, seq, seqFloor(text, steps, seq));
  if (!blocks) return undefined;
  if (seq.items.length > 1) return splice(text, blocks[index]!.start, blocks[index]!.end, '');
  // The last item: leave an empty flow list after the key (`replicas: []`).
  const owner = steps.find((step) => step.node === seq)?.pair;
  const keyEnd = rangeOf(owner?.key as Node)?.[1];
  if (keyEnd === undefined) return undefined;
  const colon = text.indexOf(':', keyEnd);
  const removed = splice(text, blocks[0]!.start, blocks[0]!.end, '');
  return splice(removed, colon + 1, colon + 1, ' []');
}

function spliceAppend(text: string, doc: Document, path: YamlPath, value: FormValue): string | undefined {
  const { steps, complete, alias } = resolvePath(doc, path);
  if (alias) return undefined;
  if (!complete) return insertMissing(text, doc, path, steps, [value]);
  const seq = steps.at(-1)?.node;
  if (!isSeq(seq)) return undefined;
  if (seq.items.length === 0) return appendToEmpty(text, steps, seq, value);
  if (seq.flow) {
    const rendered = renderInline(value);
    const lastEnd = rangeOf(seq.items.at(-1) as Node)?.[1];
    if (rendered === undefined || lastEnd === undefined) return undefined;
    return splice(text, lastEnd, lastEnd, `, ${rendered}`);
  }
  const blocks = blocksOf(text, seq, seqFloor(text, steps, seq));
  if (!blocks) return undefined;
  const firstRange = rangeOf(seq.items[0] as Node)!;
  const dashColumn = column(text, text.lastIndexOf('-', firstRange[0]));
  const at = blocks.at(-1)!.end;
  const prefix = at === text.length && !text.endsWith('\n') ? '\n' : '';
  return splice(text, at, at, prefix + renderSeqItem(value, dashColumn));
}

/** `key: []` in a block map becomes `key:` with the item on its own `- ` line below. */
function appendToEmpty(text: string, steps: Step[], seq: YAMLSeq, value: FormValue): string | undefined {
  const step = steps.at(-1);
  const keyRange = rangeOf(step?.pair?.key as Node);
  const range = rangeOf(seq);
  if (!step || !keyRange || !range || !isMap(step.parent) || step.parent.flow || !seq.flow) return undefined;
  const colon = text.indexOf(':', keyRange[1]);
  if (colon === -1 || colon > range[0] || !firstOnLine(text, keyRange[0])) return undefined;
  const item = renderSeqItem(value, column(text, keyRange[0]) + 2).replace(/\n$/, '');
  return splice(text, colon + 1, range[1], `\n${item}`);
}

function spliceMove(text: string, doc: Document, path: YamlPath, from: number, to: number): string | undefined {
  const { steps, complete } = resolvePath(doc, path);
  const seq = steps.at(-1)?.node;
  if (!complete || !isSeq(seq)) return undefined;
  const count = seq.items.length;
  if (from < 0 || to < 0 || from >= count || to >= count) return undefined;
  const order = [...Array(count).keys()];
  order.splice(to, 0, ...order.splice(from, 1));
  let spans: { start: number; end: number }[] | undefined;
  if (seq.flow) {
    const ranges = (seq.items as Node[]).map(rangeOf);
    if (ranges.some((range) => !range)) return undefined;
    spans = ranges.map((range) => ({ start: range![0], end: range![1] }));
  } else {
    spans = blocksOf(text, seq, seqFloor(text, steps, seq));
    if (!spans || spans.some((span) => !text.slice(span.start, span.end).endsWith('\n'))) return undefined;
  }
  let out = text.slice(0, spans[0]!.start);
  order.forEach((source, position) => {
    out += text.slice(spans![source]!.start, spans![source]!.end);
    const next = spans![position + 1];
    if (next) out += text.slice(spans![position]!.end, next.start);
  });
  return out + text.slice(spans.at(-1)!.end);
}

// What the user has typed or chosen in the form but not yet committed to the file, keyed by the control's data-key:
// its dotted YAML path (`pools.0.failTimeout`) or its role (`pools.1.new.url`, `newPool.name`). The form is rebuilt
// on every change of the document; each control starts from its draft when it has one. Pure: no DOM.
import { pathKey, type YamlPath } from '../messages';

export class Drafts {
  private values = new Map<string, string>();

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  set(key: string, value: string): void {
    this.values.set(key, value);
  }

  delete(...keys: string[]): void {
    for (const key of keys) this.values.delete(key);
  }

  get size(): number {
    return this.values.size;
  }

  /** The form deleted item `path` (a sequence index at its end): its drafts go, those of later items move up one. */
  afterDelete(path: YamlPath): void {
    const index = path.at(-1);
    if (typeof index !== 'number') return;
    this.renumber(path.slice(0, -1), (i) => (i === index ? undefined : i > index ? i - 1 : i));
  }

  /** The form moved item `from` of the sequence at `sequence` to `to`: drafts follow their items. */
  afterMove(sequence: YamlPath, from: number, to: number): void {
    this.renumber(sequence, (i) => {
      if (i === from) return to;
      if (from < to && i > from && i <= to) return i - 1;
      if (from > to && i >= to && i < from) return i + 1;
      return i;
    });
  }

  private renumber(sequence: YamlPath, next: (index: number) => number | undefined): void {
    const prefix = `${pathKey(sequence)}.`;
    const renumbered = new Map<string, string>();
    for (const [key, value] of this.values) {
      const match = key.startsWith(prefix) ? /^(\d+)(\..*|)$/.exec(key.slice(prefix.length)) : null;
      if (!match) {
        renumbered.set(key, value);
        continue;
      }
      const index = next(Number(match[1]));
      if (index !== undefined) renumbered.set(`${prefix}${index}${match[2]}`, value);
    }
    this.values = renumbered;
  }
}

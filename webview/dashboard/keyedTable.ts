// A table whose rows are keyed: a row that stays keeps its DOM node and only its changed cells are rewritten,
// so fifty live streams cost fifty small text updates per render, not a rebuilt table.
import { h } from '../shared/h';
import { reconcileChildren, setAttr, setText } from './dom';

export interface Column<T> {
  header: string;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
  value(row: T): string;
  /** A class for the cell that depends on the row ("bad" for a failed status). */
  tone?(row: T): string | null;
  title?(row: T): string | null;
}

interface RenderedRow {
  tr: HTMLTableRowElement;
  cells: HTMLTableCellElement[];
  tones: (string | null)[];
}

export class KeyedTable<T> {
  readonly element: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private readonly emptyRow: HTMLTableRowElement;
  private readonly rows = new Map<string, RenderedRow>();

  constructor(
    private readonly columns: Column<T>[],
    private readonly keyOf: (row: T) => string,
    options: { className: string; label: string; emptyText: string },
  ) {
    const headRow = h('tr');
    for (const column of columns) {
      headRow.append(h('th', { class: column.numeric ? 'num' : undefined, scope: 'col' }, column.header));
    }
    this.emptyRow = h('tr', { class: 'empty' }, h('td', { colspan: columns.length }, options.emptyText));
    this.body = h('tbody');
    this.element = h(
      'table',
      { class: `data-table ${options.className}`, 'aria-label': options.label },
      h('thead', {}, headRow),
      this.body,
    );
  }

  update(rows: readonly T[]): void {
    const seen = new Set<string>();
    const ordered: HTMLTableRowElement[] = [];
    for (const row of rows) {
      const key = this.keyOf(row);
      if (seen.has(key)) continue;
      seen.add(key);
      let rendered = this.rows.get(key);
      if (!rendered) {
        rendered = this.createRow(key);
        this.rows.set(key, rendered);
      }
      this.fill(rendered, row);
      ordered.push(rendered.tr);
    }
    for (const key of this.rows.keys()) if (!seen.has(key)) this.rows.delete(key);
    reconcileChildren(this.body, ordered.length > 0 ? ordered : [this.emptyRow]);
  }

  private createRow(key: string): RenderedRow {
    const cells = this.columns.map((column) => h('td', { class: column.numeric ? 'num' : undefined }));
    const tr = h('tr', { 'data-key': key }, ...cells);
    return { tr, cells, tones: cells.map(() => null) };
  }

  private fill(rendered: RenderedRow, row: T): void {
    this.columns.forEach((column, index) => {
      const cell = rendered.cells[index]!;
      setText(cell, column.value(row));
      if (column.title) setAttr(cell, 'title', column.title(row));
      if (column.tone) {
        const tone = column.tone(row);
        const previous = rendered.tones[index];
        if (tone !== previous) {
          if (previous) cell.classList.remove(previous);
          if (tone) cell.classList.add(tone);
          rendered.tones[index] = tone;
        }
      }
    });
  }
}

// "Open as Text" replaces the form with the text editor in the same editor group: the form's tab is closed, so that
// two tabs with the same title (the file's name) do not stay side by side. Pure: duck-typed tabs, no vscode import.

/** The parts of vscode.Tab / TabGroup read here (TabInputCustom has `uri` and `viewType`). */
export interface TabLike {
  readonly input: unknown;
}
export interface TabGroupLike<T extends TabLike = TabLike> {
  readonly viewColumn: number;
  readonly tabs: readonly T[];
}

/** The tabs of the form editor (`viewType`) showing `uri` in the group of `viewColumn` (every group when undefined). */
export function formTabsOf<T extends TabLike>(
  groups: readonly TabGroupLike<T>[],
  uri: string,
  viewType: string,
  viewColumn: number | undefined,
): T[] {
  return groups
    .filter((group) => viewColumn === undefined || group.viewColumn === viewColumn)
    .flatMap((group) => group.tabs.filter((tab) => isFormOf(tab.input, uri, viewType)));
}

function isFormOf(input: unknown, uri: string, viewType: string): boolean {
  if (typeof input !== 'object' || input === null) return false;
  const custom = input as { uri?: { toString(): string }; viewType?: unknown };
  return custom.viewType === viewType && custom.uri !== undefined && custom.uri.toString() === uri;
}

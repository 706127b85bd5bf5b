// Colours for canvases (the charts), read from VS Code's --vscode-* variables, and a watch on theme changes.

export interface ChartTheme {
  foreground: string;
  mutedForeground: string;
  grid: string;
  background: string;
  fontFamily: string;
  /** One colour per series, in order. */
  series: string[];
}

const SERIES_VARIABLES: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
];

export function readChartTheme(): ChartTheme {
  const style = getComputedStyle(document.body);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const foreground = read('--vscode-foreground', '#cccccc');
  return {
    foreground,
    mutedForeground: read('--vscode-descriptionForeground', foreground),
    grid: read('--vscode-editorWidget-border', read('--vscode-panel-border', 'rgba(128,128,128,0.35)')),
    background: read('--vscode-editor-background', 'transparent'),
    fontFamily: read('--vscode-font-family', 'system-ui, sans-serif'),
    series: SERIES_VARIABLES.map(([name, fallback]) => read(name, fallback)),
  };
}

/** Calls `onChange` when VS Code switches theme (it rewrites body's class and the variables on <html>). */
export function watchTheme(onChange: () => void): void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}

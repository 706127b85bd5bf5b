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

/** WCAG's minimum for graphics (a swatch, a chart line) against what is behind them. */
export const MIN_SERIES_CONTRAST = 3;

export function readChartTheme(): ChartTheme {
  const style = getComputedStyle(document.body);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const foreground = read('--vscode-foreground', '#cccccc');
  const background = read('--vscode-editor-background', 'transparent');
  // Swatches sit on the cards, lines on the page: both must stand out from the darker (or lighter) of the two.
  const card = read('--vscode-editorWidget-background', read('--vscode-sideBar-background', background));
  return {
    foreground,
    mutedForeground: read('--vscode-descriptionForeground', foreground),
    grid: read('--vscode-editorWidget-border', read('--vscode-panel-border', 'rgba(128,128,128,0.35)')),
    background,
    fontFamily: read('--vscode-font-family', 'system-ui, sans-serif'),
    series: SERIES_VARIABLES.map(([name, fallback]) => readableOn(read(name, fallback), [background, card])),
  };
}

/**
 * The colour, lightened (on a dark background) or darkened (on a light one) just enough to reach
 * MIN_SERIES_CONTRAST against every background given; unchanged when it already does or cannot be parsed.
 */
export function readableOn(color: string, backgrounds: readonly string[]): string {
  const rgb = parseColor(color);
  const grounds = backgrounds.map(parseColor).filter((c): c is Rgb => c !== undefined);
  if (!rgb || grounds.length === 0) return color;
  const worst = (c: Rgb) => Math.min(...grounds.map((g) => contrast(c, g)));
  if (worst(rgb) >= MIN_SERIES_CONTRAST) return color;
  const dark = grounds.reduce((n, g) => n + luminance(g), 0) / grounds.length < 0.2;
  const target: Rgb = dark ? [255, 255, 255] : [0, 0, 0];
  for (let step = 1; step <= 20; step++) {
    const mixed = rgb.map((v, i) => Math.round(v + ((target[i]! - v) * step) / 20)) as Rgb;
    if (worst(mixed) >= MIN_SERIES_CONTRAST) return hex(mixed);
  }
  return hex(target);
}

type Rgb = [number, number, number];

function parseColor(text: string): Rgb | undefined {
  const value = text.trim().toLowerCase();
  let m = /^#([0-9a-f]{3})$/.exec(value);
  if (m) return [...m[1]!].map((c) => Number.parseInt(c + c, 16)) as Rgb;
  m = /^#([0-9a-f]{6})(?:[0-9a-f]{2})?$/.exec(value);
  if (m) return [0, 2, 4].map((i) => Number.parseInt(m![1]!.slice(i, i + 2), 16)) as Rgb;
  m = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/.exec(value);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  return undefined;
}

function luminance([r, g, b]: Rgb): number {
  const channel = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

function hex(rgb: Rgb): string {
  return `#${rgb.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** Calls `onChange` when VS Code switches theme (it rewrites body's class and the variables on <html>). */
export function watchTheme(onChange: () => void): void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}

// A small SVG line/bar chart writer: enough for the report's charts, no dependencies.

export interface Series {
  name: string;
  points: Array<{ x: number; y: number }>;
  /** Dashed line (references such as the LIMIT). */
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Logarithmic y axis (latencies spanning decades). */
  logY?: boolean;
  width?: number;
  height?: number;
}

export interface BarChartOptions {
  title: string;
  yLabel: string;
  bars: Array<{ label: string; value: number; highlight?: boolean }>;
  /** Format of the value printed above each bar. */
  format?: (value: number) => string;
  width?: number;
  height?: number;
}

const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#393b79',
  '#637939',
  '#8c6d31',
  '#843c39',
];

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Round tick values covering [min, max]: steps of 1, 2 or 5 × 10^k. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min) || !Number.isFinite(min) || !Number.isFinite(max)) return [Number.isFinite(min) ? min : 0];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function logTicks(min: number, max: number): number[] {
  const ticks: number[] = [];
  if (!(min > 0) || !Number.isFinite(max)) return [1, 10];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) ticks.push(10 ** e);
  return ticks;
}

function label(value: number): string {
  if (Math.abs(value) >= 1000) return `${Number((value / 1000).toPrecision(3))}k`;
  return String(Number(value.toPrecision(3)));
}

export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 760;
  const height = options.height ?? 420;
  const legendWidth = 230;
  const left = 64;
  const right = width - legendWidth;
  const top = 36;
  const bottom = height - 48;
  const all = options.series
    .flatMap((s) => s.points)
    .filter((p) => Number.isFinite(p.y) && Number.isFinite(p.x) && (!options.logY || p.y > 0));
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => p.y);
  let xMin = Math.min(...xs, 0);
  let xMax = Math.max(...xs, 1);
  if (xMin === xMax) xMax = xMin + 1;
  if (ys.length === 0) ys.push(0, 1);
  if (xs.length === 0) xs.push(0, 1);
  const logY = options.logY === true && ys.every((y) => y > 0);
  let yMin = logY ? 10 ** Math.floor(Math.log10(Math.min(...ys))) : 0;
  let yMax = logY ? 10 ** Math.ceil(Math.log10(Math.max(...ys))) : Math.max(...ys, 1) * 1.05;
  if (!(yMax > yMin)) yMax = yMin + 1;
  xMin = Math.min(xMin, 0);
  const yTicks = logY ? logTicks(yMin, yMax) : niceTicks(yMin, yMax);
  if (!logY) yMax = Math.max(yMax, yTicks[yTicks.length - 1]!);
  if (logY) yMin = yTicks[0]!;
  const xTicks = niceTicks(xMin, xMax);
  const sx = (x: number) => left + ((x - xMin) / (xMax - xMin)) * (right - left);
  const sy = (y: number) =>
    logY
      ? bottom - ((Math.log10(y) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * (bottom - top)
      : bottom - ((y - yMin) / (yMax - yMin)) * (bottom - top);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  for (const t of yTicks) {
    out.push(
      `<line x1="${left}" x2="${right}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#e5e5e5"/>`,
      `<text x="${left - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${label(t)}</text>`,
    );
  }
  for (const t of xTicks) {
    out.push(
      `<line x1="${sx(t).toFixed(1)}" x2="${sx(t).toFixed(1)}" y1="${bottom}" y2="${bottom + 4}" stroke="#333"/>`,
      `<text x="${sx(t).toFixed(1)}" y="${bottom + 16}" text-anchor="middle">${label(t)}</text>`,
    );
  }
  out.push(
    `<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#333"/>`,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${bottom}" stroke="#333"/>`,
    `<text x="${(left + right) / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(16 ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}${logY ? ' (log)' : ''}</text>`,
  );
  options.series.forEach((series, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const points = series.points.filter((p) => Number.isFinite(p.y) && (!logY || p.y > 0));
    const dash = series.dashed ? ' stroke-dasharray="6 4"' : '';
    if (points.length > 1) {
      const d = points.map((p, j) => `${j === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)} ${sy(p.y).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${dash}/>`);
    }
    for (const p of points) {
      out.push(`<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="3" fill="${color}"/>`);
    }
    const ly = top + 6 + i * 16;
    out.push(
      `<line x1="${right + 12}" x2="${right + 32}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dash}/>`,
      `<text x="${right + 38}" y="${ly + 4}">${escapeXml(series.name)}</text>`,
    );
  });
  out.push('</svg>', '');
  return out.join('\n');
}

export function barChart(options: BarChartOptions): string {
  const width = options.width ?? 760;
  const barHeight = 18;
  const gap = 6;
  const labelWidth = 250;
  const top = 40;
  const height = options.height ?? top + options.bars.length * (barHeight + gap) + 20;
  const right = width - 70;
  const max = Math.max(...options.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)), 1e-9);
  const format = options.format ?? ((v: number) => label(v));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`,
    `<text x="${labelWidth}" y="34" fill="#555">${escapeXml(options.yLabel)}</text>`,
  ];
  options.bars.forEach((bar, i) => {
    const y = top + i * (barHeight + gap);
    const value = Number.isFinite(bar.value) ? bar.value : 0;
    const w = (value / max) * (right - labelWidth);
    out.push(
      `<text x="${labelWidth - 8}" y="${y + 13}" text-anchor="end">${escapeXml(bar.label)}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${Math.max(0, w).toFixed(1)}" height="${barHeight}" fill="${bar.highlight ? '#d62728' : '#1f77b4'}"/>`,
      `<text x="${(labelWidth + w + 4).toFixed(1)}" y="${y + 13}">${escapeXml(Number.isFinite(bar.value) ? format(bar.value) : '–')}</text>`,
    );
  });
  out.push('</svg>', '');
  return out.join('\n');
}

// Time-series charts of the last minutes, one line per replica: requests/s, TTFT p95, tokens/s, in flight.
// uPlot draws on canvas, so its colours come from the theme (re-read when VS Code switches theme).
import uPlot from 'uplot';
import { HISTORY_WINDOW_MS } from '../../core/dashboard/history';
import type { HistorySample, ReplicaSample } from '../../core/dashboard/messages';
import { h } from '../shared/h';
import { reconcileChildren, setText } from './dom';
import { formatRate } from './format';
import type { ChartTheme } from './theme';

export interface ChartSeries {
  key: string;
  label: string;
  color: string;
}

interface ChartSpec {
  id: string;
  title: string;
  pick(sample: ReplicaSample): number | null;
  formatTick(value: number): string;
}

const CHARTS: ChartSpec[] = [
  { id: 'rps', title: 'Requests/s', pick: (s) => s.requestsPerSecond, formatTick: formatRate },
  {
    id: 'ttft',
    title: 'Time to first token p95',
    pick: (s) => s.ttftP95Ms,
    formatTick: (v) => (v >= 1000 ? `${formatRate(v / 1000)} s` : `${Math.round(v)} ms`),
  },
  { id: 'tps', title: 'Tokens/s', pick: (s) => s.tokensPerSecond, formatTick: formatRate },
  {
    id: 'inflight',
    title: 'In flight',
    pick: (s) => s.inflight,
    formatTick: (v) => (Number.isInteger(v) ? String(v) : ''),
  },
];

const CHART_HEIGHT = 150;

/** x ticks are epoch seconds: "14:05". */
function formatTimeTick(seconds: number): string {
  const date = new Date(seconds * 1000);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

interface MountedChart {
  spec: ChartSpec;
  box: HTMLElement;
  plot: uPlot | null;
}

export class ChartsPanel {
  readonly element: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly charts: MountedChart[];
  private signature = '';
  private history: readonly HistorySample[] = [];
  private series: ChartSeries[] = [];

  constructor(private theme: ChartTheme) {
    this.legend = h('ul', { class: 'chart-legend', 'aria-label': 'Replicas' });
    this.charts = CHARTS.map((spec) => ({
      spec,
      plot: null,
      box: h('div', {
        class: 'chart-canvas',
        role: 'img',
        'aria-label': `${spec.title} per replica, last ${HISTORY_WINDOW_MS / 60_000} minutes`,
      }),
    }));
    this.element = h(
      'div',
      { class: 'charts-panel' },
      this.legend,
      h(
        'div',
        { class: 'charts' },
        ...this.charts.map((chart) =>
          h(
            'figure',
            { class: 'chart', 'data-chart': chart.spec.id },
            h('figcaption', {}, chart.spec.title),
            chart.box,
          ),
        ),
      ),
    );
    new ResizeObserver(() => this.resize()).observe(this.element);
  }

  setTheme(theme: ChartTheme): void {
    this.theme = theme;
    this.signature = '';
  }

  update(history: readonly HistorySample[], series: ChartSeries[]): void {
    this.history = history;
    this.series = series;
    const signature = JSON.stringify(series);
    if (signature !== this.signature) {
      this.signature = signature;
      this.renderLegend();
      for (const chart of this.charts) this.rebuild(chart);
      return;
    }
    for (const chart of this.charts) chart.plot?.setData(this.dataFor(chart.spec));
  }

  private renderLegend(): void {
    reconcileChildren(
      this.legend,
      this.series.map((s) => {
        const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
        swatch.style.backgroundColor = s.color;
        const item = h('li', {}, swatch, h('span', {}));
        setText(item.lastElementChild!, s.label);
        return item;
      }),
    );
  }

  private rebuild(chart: MountedChart): void {
    chart.plot?.destroy();
    chart.plot = null;
    const width = chart.box.clientWidth;
    if (width <= 0) return;
    chart.plot = new uPlot(this.optionsFor(chart.spec, width), this.dataFor(chart.spec), chart.box);
  }

  private resize(): void {
    for (const chart of this.charts) {
      const width = chart.box.clientWidth;
      if (width <= 0) continue;
      if (!chart.plot) this.rebuild(chart);
      else if (chart.plot.width !== width) chart.plot.setSize({ width, height: CHART_HEIGHT });
    }
  }

  private dataFor(spec: ChartSpec): uPlot.AlignedData {
    const times = this.history.map((sample) => sample.t / 1000);
    const lines = this.series.map((s) =>
      this.history.map((sample) => {
        const figures = sample.replicas[s.key];
        return figures ? spec.pick(figures) : null;
      }),
    );
    return [times, ...lines];
  }

  private optionsFor(spec: ChartSpec, width: number): uPlot.Options {
    const theme = this.theme;
    const font = `11px ${theme.fontFamily}`;
    const axis = {
      stroke: theme.mutedForeground,
      font,
      grid: { stroke: theme.grid, width: 1 },
      ticks: { stroke: theme.grid, width: 1, size: 4 },
    };
    return {
      width,
      height: CHART_HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 5 } },
      padding: [8, 18, 0, 0],
      scales: {
        x: {
          time: true,
          range: (self) => {
            const times = self.data[0];
            const newest = times.length > 0 ? times[times.length - 1]! : Date.now() / 1000;
            return [newest - HISTORY_WINDOW_MS / 1000, newest];
          },
        },
        y: { range: (_self, _min, max) => [0, max > 0 ? max * 1.15 : 1] },
      },
      axes: [
        { ...axis, space: 70, values: (_self, splits) => splits.map(formatTimeTick) },
        { ...axis, size: 58, values: (_self, splits) => splits.map((v) => spec.formatTick(v)) },
      ],
      series: [
        {},
        ...this.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          spanGaps: false,
          points: { show: false },
        })),
      ],
    };
  }
}

// Chart.js for the Costs page: only the pieces the charts use are registered (bars, lines, the
// category and linear scales, tooltips and the legend), so the rest of the library is
// tree-shaken out of the bundle. The chart component imports this module lazily: Chart.js is a
// chunk of its own, fetched when the first chart mounts, not at start-up. The configuration is built from theme-free data (`ChartSeries`)
// and the colours read from CSS custom properties, so a theme switch only rebuilds options.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type TooltipItem,
} from "chart.js";
import { stackTotals, type ChartSeries } from "./cost-charts";

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

export type ChartKind = "bar" | "line";
export type CostChartConfig = ChartConfiguration<ChartKind, Array<number | null>, string>;

/** Concrete colours for a chart: the page's text, grid and tooltip colours, and each series variable. */
export type ChartTheme = { text: string; grid: string; surface: string; border: string; colors: Record<string, string> };

const FALLBACK = "#8a919c";

/** Reads the theme from the CSS custom properties in effect at `el`. */
export function readTheme(el: Element, vars: readonly string[]): ChartTheme {
  const style = getComputedStyle(el);
  const read = (name: string) => style.getPropertyValue(name).trim() || FALLBACK;
  return {
    text: read("--text-2"),
    grid: read("--border"),
    surface: read("--surface"),
    border: read("--border-strong"),
    colors: Object.fromEntries(vars.map((v) => [v, read(v)])),
  };
}

export type ChartOptions = {
  kind: ChartKind;
  /** Bars on top of each other (a bucket's bar is the sum). */
  stacked: boolean;
  /** Tooltip values: "$0.0123", "1,234 tokens". */
  format: (v: number) => string;
  /** Axis ticks, shorter: "$0.01", "1.2k". */
  axisFormat: (v: number) => string;
};

/** The Chart.js configuration for `series` in `theme`. Pure: no canvas needed. */
export function chartConfig(series: ChartSeries, theme: ChartTheme, o: ChartOptions): CostChartConfig {
  const color = (v: string) => theme.colors[v] ?? FALLBACK;
  const many = series.labels.length > 48;
  const totals = o.stacked ? stackTotals(series) : [];
  return {
    type: o.kind,
    data: {
      labels: [...series.labels],
      datasets: series.datasets.map((d) => ({
        label: d.label,
        data: [...d.data],
        backgroundColor: color(d.color),
        borderColor: color(d.color),
        borderWidth: o.kind === "line" ? 2 : 0,
        pointRadius: o.kind === "line" && !many ? 2 : 0,
        pointHoverRadius: 4,
        spanGaps: false,
        tension: 0.25,
        borderRadius: o.kind === "bar" ? 2 : 0,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      // No animation: an update arriving while the first draw still animates would be overtaken
      // by it (the chart then shows stale bars), and dashboards redraw often.
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { stacked: o.stacked, grid: { display: false }, ticks: { color: theme.text, autoSkip: true, maxRotation: 0, maxTicksLimit: 12 }, border: { color: theme.grid } },
        y: {
          stacked: o.stacked,
          beginAtZero: true,
          grid: { color: theme.grid },
          border: { display: false },
          ticks: { color: theme.text, maxTicksLimit: 6, callback: (v) => o.axisFormat(Number(v)) },
        },
      },
      plugins: {
        legend: {
          display: series.datasets.length > 1,
          position: "bottom",
          labels: { color: theme.text, boxWidth: 10, boxHeight: 10, padding: 14 },
        },
        tooltip: {
          backgroundColor: theme.surface,
          borderColor: theme.border,
          borderWidth: 1,
          titleColor: theme.text,
          bodyColor: theme.text,
          footerColor: theme.text,
          padding: 10,
          callbacks: {
            title: (items: TooltipItem<ChartKind>[]) => series.titles[items[0]?.dataIndex ?? 0] ?? "",
            label: (item: TooltipItem<ChartKind>) => `${item.dataset.label ?? ""}: ${item.parsed.y === null ? "—" : o.format(item.parsed.y)}`,
            footer: (items: TooltipItem<ChartKind>[]) =>
              o.stacked && series.datasets.length > 1 && items.length ? `Total: ${o.format(totals[items[0].dataIndex] ?? 0)}` : "",
          },
        },
      },
    },
  };
}

/** The colour variables a series uses, to read from the theme. */
export function colorVars(series: ChartSeries): string[] {
  return [...new Set(series.datasets.map((d) => d.color))];
}

/**
 * A chart on `canvas`, or null where there is no 2D context (jsdom in unit tests, a webview with
 * canvas disabled): the canvas then keeps its text fallback and nothing throws.
 */
export function tryCreateChart(canvas: HTMLCanvasElement, config: CostChartConfig): Chart<ChartKind, Array<number | null>, string> | null {
  try {
    if (typeof canvas.getContext !== "function" || !canvas.getContext("2d")) return null;
    return new Chart(canvas, config);
  } catch {
    return null;
  }
}

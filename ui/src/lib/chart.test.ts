import { describe, expect, it, vi } from "vitest";
import { chartConfig, colorVars, tryCreateChart, type ChartTheme } from "./chart";
import type { ChartSeries } from "./cost-charts";

const THEME: ChartTheme = { text: "#111", grid: "#eee", surface: "#fff", border: "#ccc", colors: { "--series-1": "#0f9488", "--bad": "#c0262d" } };

const SERIES: ChartSeries = {
  labels: ["00:00", "01:00"],
  titles: ["Fri 21 Nov, 00:00–01:00", "Fri 21 Nov, 01:00–02:00"],
  datasets: [
    { label: "Succeeded", data: [3, 4], color: "--series-1" },
    { label: "Errors", data: [1, 0], color: "--bad" },
  ],
};

type Callbacks = {
  title: (items: Array<{ dataIndex: number }>) => string;
  label: (item: { dataset: { label: string }; parsed: { y: number | null } }) => string;
  footer: (items: Array<{ dataIndex: number }>) => string;
};

describe("chart configuration", () => {
  const config = chartConfig(SERIES, THEME, { kind: "bar", stacked: true, format: (v) => `${v} req`, axisFormat: String });

  it("resolves each dataset's colour variable from the theme, and stacks both axes", () => {
    expect(colorVars(SERIES)).toEqual(["--series-1", "--bad"]);
    expect(config.data.datasets.map((d) => d.backgroundColor)).toEqual(["#0f9488", "#c0262d"]);
    expect(config.options?.scales?.x?.stacked).toBe(true);
    expect(config.options?.scales?.y?.stacked).toBe(true);
  });

  it("copies the data, so the chart library never holds the page's arrays", () => {
    expect(config.data.labels).not.toBe(SERIES.labels);
    expect(config.data.datasets[0].data).not.toBe(SERIES.datasets[0].data);
    expect(config.data.datasets[0].data).toEqual([3, 4]);
  });

  it("formats tooltips with the bucket's title, each value and the stacked total", () => {
    const cb = config.options?.plugins?.tooltip?.callbacks as unknown as Callbacks;
    expect(cb.title([{ dataIndex: 1 }])).toBe("Fri 21 Nov, 01:00–02:00");
    expect(cb.label({ dataset: { label: "Errors" }, parsed: { y: 1 } })).toBe("Errors: 1 req");
    expect(cb.label({ dataset: { label: "p50" }, parsed: { y: null } })).toBe("p50: —");
    expect(cb.footer([{ dataIndex: 0 }])).toBe("Total: 4 req");
  });

  it("shows a legend only when there is more than one dataset", () => {
    expect(config.options?.plugins?.legend?.display).toBe(true);
    const one = chartConfig({ ...SERIES, datasets: [{ label: "p50", data: [1, 2], color: "--series-9" }] }, THEME, { kind: "line", stacked: false, format: String, axisFormat: String });
    expect(one.options?.plugins?.legend?.display).toBe(false);
    expect(one.data.datasets[0].borderColor, "an unknown variable falls back to a grey, not undefined").toBe("#8a919c");
  });
});

describe("creating a chart", () => {
  it("degrades to no chart, without throwing, where the canvas has no 2D context (jsdom)", () => {
    const canvas = { getContext: vi.fn(() => null) } as unknown as HTMLCanvasElement;
    const config = chartConfig(SERIES, THEME, { kind: "bar", stacked: true, format: String, axisFormat: String });
    expect(tryCreateChart(canvas, config)).toBeNull();
    expect(tryCreateChart({} as HTMLCanvasElement, config), "not even a getContext").toBeNull();
  });

  it("degrades to no chart when the library throws", () => {
    const canvas = {
      getContext: () => {
        throw new Error("canvas disabled");
      },
    } as unknown as HTMLCanvasElement;
    const config = chartConfig(SERIES, THEME, { kind: "bar", stacked: true, format: String, axisFormat: String });
    expect(tryCreateChart(canvas, config)).toBeNull();
  });
});

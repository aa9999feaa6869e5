"use client";

import { useEffect, useMemo, useRef } from "react";
import { useFormatter } from "next-intl";
import { Line } from "react-chartjs-2";
import type { ChartData, ChartOptions, Chart as ChartInstance } from "chart.js";
import type { AnnotationOptions } from "chartjs-plugin-annotation";
import type { MetricUnit } from "@/lib/metrics";
import { formatAxisValue, formatMetricValue, type FormatNumber } from "@/components/dashboards/format";
import { SERIES_STYLES } from "./setup";
import "./setup";

export interface ChartSeries {
  label: string;
  data: (number | null)[];
  /** `series` lines are drawn in the palette; `benchmark` dashed grey; `bandLow`/`bandHigh` shade between them; `points` only markers. */
  kind?: "series" | "benchmark" | "bandLow" | "bandHigh" | "points";
}

export interface ChartMarker {
  /** Index into `labels` for vertical markers (go-live, audits). */
  index?: number;
  /** Value for horizontal lines (baseline, target). */
  value?: number;
  label: string;
  kind: "go_live" | "audit" | "baseline" | "target";
}

export interface LineChartProps {
  labels: string[];
  series: ChartSeries[];
  unit: MetricUnit;
  currency: string;
  markers?: ChartMarker[];
  /** The chart's accessible name: what it shows and its latest figures. */
  summary: string;
  height?: number;
  testId?: string;
}

const MARKER_STYLE = {
  go_live: { color: "#0f766e", dash: [] as number[] },
  audit: { color: "#7e22ce", dash: [4, 4] },
  baseline: { color: "#475569", dash: [6, 4] },
  target: { color: "#15803d", dash: [2, 3] },
} as const;

/**
 * A line chart of ready-made monthly series (the server prepares every number). The canvas carries the chart's
 * summary as its accessible name; the page places a data table beside it. The wrapper's `data-points` lists each
 * dataset's length as drawn, for tests.
 */
export function LineChart({ labels, series, unit, currency, markers = [], summary, height = 220, testId }: LineChartProps) {
  const formatter = useFormatter();
  const wrapper = useRef<HTMLDivElement>(null);
  const chart = useRef<ChartInstance<"line">>(null);

  const data = useMemo<ChartData<"line", (number | null)[], string>>(() => {
    let palette = 0;
    return {
      labels,
      datasets: series.map((s) => {
        const kind = s.kind ?? "series";
        if (kind === "series") {
          const style = SERIES_STYLES[palette++ % SERIES_STYLES.length];
          return {
            label: s.label,
            data: s.data,
            borderColor: style.color,
            backgroundColor: style.color,
            borderDash: style.dash,
            pointStyle: style.point,
            pointRadius: 3,
            borderWidth: 2,
            spanGaps: false,
            tension: 0.2,
          };
        }
        if (kind === "points") return { label: s.label, data: s.data, showLine: false, pointStyle: "crossRot", pointRadius: 6, borderColor: "#15803d", backgroundColor: "#15803d" };
        if (kind === "benchmark") return { label: s.label, data: s.data, borderColor: "#94a3b8", backgroundColor: "#94a3b8", borderDash: [4, 4], pointRadius: 0, borderWidth: 1.5 };
        return {
          label: s.label,
          data: s.data,
          borderColor: "transparent",
          backgroundColor: "rgba(148, 163, 184, 0.18)",
          pointRadius: 0,
          // The upper edge of the band fills down to the lower edge, the dataset just before it.
          fill: kind === "bandHigh" ? "-1" : false,
        };
      }) as ChartData<"line", (number | null)[], string>["datasets"],
    };
  }, [labels, series]);

  const options = useMemo<ChartOptions<"line">>(() => {
    const number: FormatNumber = (value, opts) => formatter.number(value, opts);
    const annotations: Record<string, AnnotationOptions<"line">> = {};
    markers.forEach((m, i) => {
      const style = MARKER_STYLE[m.kind];
      const vertical = m.index !== undefined;
      annotations[`m${i}`] = {
        type: "line",
        ...(vertical ? { xMin: m.index, xMax: m.index } : { yMin: m.value, yMax: m.value }),
        borderColor: style.color,
        borderWidth: 1.5,
        borderDash: [...style.dash],
        label: {
          display: true,
          content: m.label,
          position: vertical ? "start" : "end",
          backgroundColor: "rgba(255,255,255,0.85)",
          color: style.color,
          font: { size: 10 },
          padding: 2,
        },
      };
    });
    return {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      plugins: {
        legend: { display: series.length > 1, labels: { usePointStyle: true, boxWidth: 8, filter: (item) => !/^\u200b/.test(item.text) } },
        tooltip: {
          filter: (item) => !/^\u200b/.test(item.dataset.label ?? ""),
          callbacks: {
            label: (item) => `${item.dataset.label}: ${formatMetricValue(number, unit, item.parsed.y, currency) ?? "—"}`,
          },
        },
        annotation: { annotations },
      },
      scales: {
        x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: { ticks: { callback: (value) => formatAxisValue(number, unit, Number(value)) } },
      },
    };
  }, [markers, series.length, unit, currency, formatter]);

  useEffect(() => {
    const instance = chart.current;
    if (instance && wrapper.current) wrapper.current.dataset.points = JSON.stringify(instance.data.datasets.map((d) => d.data.length));
  }, [data]);

  return (
    <div ref={wrapper} style={{ height }} className="relative" data-testid={testId}>
      <Line ref={chart} data={data} options={options} role="img" aria-label={summary} fallbackContent={<p>{summary}</p>} />
    </div>
  );
}

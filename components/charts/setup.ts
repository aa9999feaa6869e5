/**
 * Chart.js with only the parts the dashboards use (line charts on a category axis, tooltips, legends, the
 * benchmark band fill and annotation lines), so the rest of the library stays out of the page's bundle.
 */
import { CategoryScale, Chart, Filler, Legend, LinearScale, LineElement, PointElement, Tooltip } from "chart.js";
import annotationPlugin from "chartjs-plugin-annotation";

Chart.register(CategoryScale, LinearScale, PointElement, LineElement, Tooltip, Legend, Filler, annotationPlugin);

export { Chart };

/** Series colours with distinct point styles and dashes, so lines are told apart without colour too. */
export const SERIES_STYLES = [
  { color: "#1f5ad4", point: "circle", dash: [] as number[] },
  { color: "#c2410c", point: "rect", dash: [6, 3] },
  { color: "#047857", point: "triangle", dash: [2, 2] },
  { color: "#7e22ce", point: "rectRot", dash: [8, 3, 2, 3] },
  { color: "#a16207", point: "star", dash: [12, 4] },
] as const;

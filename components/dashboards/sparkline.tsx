import type { GoodDirection } from "@/lib/metrics";

/**
 * A small SVG trend line (no script, prints as drawn). Gaps where a month has no value break the line. The
 * accessible name says what it shows; the figures themselves are in the card and the history table.
 */
export function Sparkline({ values, label, good, width = 120, height = 32 }: { values: readonly (number | null)[]; label: string; good: GoodDirection; width?: number; height?: number }) {
  const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (known.length < 2) return <span className="block h-8 text-xs text-slate-400" aria-hidden="true" />;
  const min = Math.min(...known);
  const max = Math.max(...known);
  const span = max - min || 1;
  const step = values.length > 1 ? (width - 4) / (values.length - 1) : 0;
  const point = (v: number, i: number) => `${(2 + i * step).toFixed(1)},${(height - 3 - ((v - min) / span) * (height - 6)).toFixed(1)}`;
  const segments: string[][] = [];
  let current: string[] = [];
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (current.length) segments.push(current);
      current = [];
    } else current.push(point(v, i));
  });
  if (current.length) segments.push(current);
  const lastIndex = values.findLastIndex((v) => v !== null);
  const last = values[lastIndex] as number;
  const first = known[0];
  const better = good === "up" ? last > first : last < first;
  const colour = last === first ? "var(--color-flat)" : better ? "var(--color-good)" : "var(--color-bad)";
  const [x, y] = point(last, lastIndex).split(",");
  return (
    <svg role="img" aria-label={label} width={width} height={height} viewBox={`0 0 ${width} ${height}`} className="overflow-visible">
      {segments.map((s, i) =>
        s.length === 1 ? (
          <circle key={i} cx={s[0].split(",")[0]} cy={s[0].split(",")[1]} r="1.5" fill="#64748b" />
        ) : (
          <polyline key={i} points={s.join(" ")} fill="none" stroke="#64748b" strokeWidth="1.5" strokeLinejoin="round" />
        ),
      )}
      <circle cx={x} cy={y} r="2.5" fill={colour} />
    </svg>
  );
}

import type { Point } from './metrics';

export interface Series {
  label: string;
  points: readonly Point[];
  /** A CSS class that sets the stroke colour (kept in styles.css for contrast in one place). */
  className: string;
}

interface LineChartProps {
  title: string;
  series: readonly Series[];
  format: (value: number) => string;
  /** The sentence a screen reader gets instead of the picture. */
  summary: string;
}

const WIDTH = 600;
const HEIGHT = 180;
const PAD = { left: 66, right: 12, top: 12, bottom: 24 };

/** A small dependency-free SVG line chart; gaps (no value) break the line instead of drawing zero. */
export function LineChart({ title, series, format, summary }: LineChartProps) {
  const values = series.flatMap((s) => s.points.flatMap((p) => (p.value === undefined ? [] : [p.value])));
  const max = Math.max(...values, 0) || 1;
  const first = series[0]?.points[0]?.t ?? 0;
  const last = series[0]?.points.at(-1)?.t ?? first + 1;
  const x = (t: number) =>
    PAD.left + ((t - first) / Math.max(1, last - first)) * (WIDTH - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - v / max) * (HEIGHT - PAD.top - PAD.bottom);
  const path = (points: readonly Point[]) => {
    let d = '';
    let pen = false;
    for (const point of points) {
      if (point.value === undefined) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${x(point.t).toFixed(1)},${y(point.value).toFixed(1)} `;
      pen = true;
    }
    return d.trim();
  };
  const minutes = Math.round((last - first) / 60_000);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
        <line className="axis" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} />
        <line className="grid-line" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(max)} y2={y(max)} />
        <text className="tick" x={PAD.left - 6} y={y(max) + 4} textAnchor="end">
          {format(max)}
        </text>
        <text className="tick" x={PAD.left - 6} y={y(0) + 4} textAnchor="end">
          {format(0)}
        </text>
        <text className="tick" x={PAD.left} y={HEIGHT - 6}>
          −{minutes} min
        </text>
        <text className="tick" x={WIDTH - PAD.right} y={HEIGHT - 6} textAnchor="end">
          now
        </text>
        {series.map((s) => (
          <g key={s.label} className={`series ${s.className}`}>
            <path d={path(s.points)} />
            {/* Dots make a lone bucket (one burst of orders) visible where a line has nothing to join. */}
            {s.points.map((point) =>
              point.value === undefined ? null : (
                <circle key={point.t} cx={x(point.t)} cy={y(point.value)} r={2.5} />
              ),
            )}
          </g>
        ))}
      </svg>
      {series.length > 1 ? (
        <ul className="legend" aria-hidden="true">
          {series.map((s) => (
            <li key={s.label}>
              <span className={`swatch ${s.className}`} /> {s.label}
            </li>
          ))}
        </ul>
      ) : null}
    </figure>
  );
}

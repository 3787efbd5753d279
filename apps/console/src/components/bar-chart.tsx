import { useId } from 'react';
import type { Counts } from '../api/types';
import { rankedCounts, words } from '../format';

const ROW_HEIGHT = 24;
const LABEL_WIDTH = 180;
const BAR_SPACE = 200;
const VALUE_WIDTH = 60;
const WIDTH = LABEL_WIDTH + BAR_SPACE + VALUE_WIDTH;
const LONGEST_LABEL = 28;

/** Counts as horizontal bars, largest first, drawn as SVG; its accessible name reads out every bar. */
export function BarChart({ title, counts }: { readonly title: string; readonly counts: Counts | undefined }) {
  const captionId = useId();
  const rows = rankedCounts(counts);
  if (rows.length === 0) {
    return (
      <figure className="chart" aria-labelledby={captionId}>
        <figcaption id={captionId}>{title}</figcaption>
        <p className="empty">None yet.</p>
      </figure>
    );
  }
  const largest = rows[0][1];
  const height = rows.length * ROW_HEIGHT;
  return (
    <figure className="chart" aria-labelledby={captionId}>
      <figcaption id={captionId}>{title}</figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        width={WIDTH}
        height={height}
        role="img"
        aria-label={`${title}: ${rows.map(([name, count]) => `${words(name)} ${count}`).join(', ')}`}
      >
        {rows.map(([name, count], index) => {
          const barWidth = Math.max(2, (count / largest) * BAR_SPACE);
          const label = words(name);
          return (
            <g key={name} transform={`translate(0 ${index * ROW_HEIGHT})`}>
              <text x={LABEL_WIDTH - 8} y={ROW_HEIGHT / 2} textAnchor="end" dominantBaseline="central" className="bar-label">
                {label.length > LONGEST_LABEL ? `${label.slice(0, LONGEST_LABEL - 1)}…` : label}
              </text>
              <rect x={LABEL_WIDTH} y={4} width={barWidth} height={ROW_HEIGHT - 8} className="bar" />
              <text x={LABEL_WIDTH + barWidth + 6} y={ROW_HEIGHT / 2} dominantBaseline="central" className="bar-value">
                {count}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: number[];
  color: string;
}

/**
 * Stacked bars over time (uPlot). uPlot draws series over each other, so each bar is drawn
 * at its running total, tallest first; the legend shows each series' own count.
 * `times` are epoch seconds.
 */
export function TimeChart({
  times,
  series,
  height = 200,
}: {
  times: number[];
  series: Series[];
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const running = times.map(() => 0);
    const stacked = series.map((s) => ({
      ...s,
      totals: s.values.map((v, i) => (running[i] = (running[i] ?? 0) + v)),
    }));
    const drawn = [...stacked].reverse();
    const bars = uPlot.paths.bars?.({ size: [0.8, 40] });
    const plot = new uPlot(
      {
        width: el.clientWidth || 600,
        height,
        scales: { x: { time: true } },
        axes: [{ stroke: '#64748b' }, { stroke: '#64748b', grid: { stroke: '#e2e8f0' } }],
        series: [
          {},
          ...drawn.map((s) => ({
            label: s.label,
            stroke: s.color,
            fill: s.color,
            width: 0,
            points: { show: false },
            value: (_u: uPlot, _v: number | null, _si: number, index: number | null) =>
              index === null ? '–' : String(s.values[index] ?? 0),
            ...(bars ? { paths: bars } : {}),
          })),
        ],
      },
      [times, ...drawn.map((s) => s.totals)],
      el,
    );
    const resize = () => plot.setSize({ width: el.clientWidth || 600, height });
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [times, series, height]);
  return <div ref={box} className="chart" />;
}

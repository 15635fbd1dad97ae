import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: number[];
  color: string;
}

/** A stacked-looking bar/line time chart (uPlot); `times` are epoch seconds. */
export function TimeChart({ times, series, height = 200 }: { times: number[]; series: Series[]; height?: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const bars = uPlot.paths.bars?.({ size: [0.7, 40] });
    const plot = new uPlot(
      {
        width: el.clientWidth || 600,
        height,
        legend: { show: true },
        scales: { x: { time: true } },
        axes: [{ stroke: '#64748b' }, { stroke: '#64748b', grid: { stroke: '#e2e8f0' } }],
        series: [
          {},
          ...series.map((s) => ({
            label: s.label,
            stroke: s.color,
            fill: `${s.color}55`,
            width: 1.5,
            ...(bars ? { paths: bars } : {}),
          })),
        ],
      },
      [times, ...series.map((s) => s.values)],
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

/**
 * A chart drawn by Apache ECharts: only the parts the console uses are
 * imported (bar and line charts, grid, tooltip, legend, the SVG renderer),
 * to keep the page small. Drawn on mount, redrawn when the option changes,
 * resized with the window, disposed on unmount.
 */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { ChartOption } from './charts';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export function Chart({
  option,
  label,
  height = 280,
}: {
  option: ChartOption;
  label: string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.EChartsType | null>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const drawn = echarts.init(element, undefined, { renderer: 'svg' });
    chart.current = drawn;
    const resize = () => drawn.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      drawn.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      { animation: false, textStyle: { fontFamily: 'inherit' }, ...option },
      { notMerge: true },
    );
  }, [option]);

  return <div ref={box} className="chart" role="img" aria-label={label} style={{ height }} />;
}

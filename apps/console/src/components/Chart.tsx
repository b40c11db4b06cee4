import { BarChart, CustomChart, LineChart, PieChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useI18n } from '../i18n/i18n';

// Only what the console draws, rendered as SVG (crisp and printable); the description in words is the accessible name of the drawing.
echarts.use([BarChart, LineChart, PieChart, ScatterChart, CustomChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, SVGRenderer]);

/** The console's font stack (styles.css), CJK fonts included. */
const CHART_FONT = "system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif";

export type ChartOption = echarts.EChartsCoreOption;

/** The console's chart colours: the brand teal first; each passes 3:1 against white. */
export const CHART_COLORS = ['#0f766e', '#b45309', '#6d28d9', '#be123c', '#1d4ed8', '#4d7c0f', '#475569'];

/**
 * A chart (Apache ECharts, SVG) with an accessible name and a description of what it shows. `figures` are the
 * numbers drawn, kept on the element as JSON (`data-figures`) so a test can check the chart against the API;
 * every chart on a page also has its numbers in a table next to it.
 */
export function Chart({
  option,
  label,
  description,
  figures,
  height = 300,
}: {
  option: ChartOption;
  label: string;
  description?: string;
  figures: unknown;
  height?: number;
}) {
  const { locale } = useI18n();
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'svg', locale: locale === 'zh-CN' ? 'ZH' : 'EN' });
    chart.current = c;
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(el.current);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [locale]);

  useEffect(() => {
    chart.current?.setOption(
      {
        color: CHART_COLORS,
        animation: false,
        // A named font, not 'inherit': ECharts measures text on a canvas, which cannot inherit.
        textStyle: { fontFamily: CHART_FONT },
        ...option,
      },
      { notMerge: true },
    );
  }, [option, locale]);

  return (
    <figure className="chart" aria-label={label}>
      <div ref={el} className="chart-canvas" style={{ height }} data-figures={JSON.stringify(figures)} role="img" aria-label={description ?? label} />
    </figure>
  );
}

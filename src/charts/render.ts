import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Declarative chart → PNG: a Vega-Lite spec is compiled to Vega, rendered headless to SVG (no canvas,
 * no browser), and rasterised by resvg with the fonts shipped in an npm package. System fonts are off, so
 * a bare server draws the same text as a laptop, and a missing font shows up here rather than as blank labels.
 */
const require = createRequire(import.meta.url);
const FONT_FILES = [
  require.resolve('@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf'),
  require.resolve('@expo-google-fonts/inter/700Bold/Inter_700Bold.ttf'),
];
export const CHART_FONT = 'Inter';

/** Okabe–Ito: distinguishable with every common colour-vision deficiency. */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
] as const;

/** Every chart is this many pixels wide (the height follows the chart); Slack scales it down to fit. */
export const CHART_WIDTH = 1200;

const BASE_CONFIG = {
  font: CHART_FONT,
  background: 'white',
  padding: 16,
  title: { fontSize: 16, anchor: 'start', offset: 12 },
  axis: { labelFontSize: 12, titleFontSize: 12, gridColor: '#e5e5e5' },
  legend: { labelFontSize: 12, titleFontSize: 12, orient: 'top' },
  range: { category: [...PALETTE] },
  view: { stroke: null },
} as const;

export interface Png {
  bytes: Buffer;
  width: number;
  height: number;
}

export async function chartSvg(spec: TopLevelSpec): Promise<string> {
  const { spec: vg } = compile({ ...spec, config: { ...BASE_CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec);
  const view = new View(parse(vg), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function renderChart(spec: TopLevelSpec): Promise<Png> {
  const svg = await chartSvg(spec);
  const image = new Resvg(svg, {
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: CHART_FONT, sansSerifFamily: CHART_FONT },
    fitTo: { mode: 'width', value: CHART_WIDTH },
    background: 'white',
  }).render();
  return { bytes: image.asPng(), width: image.width, height: image.height };
}

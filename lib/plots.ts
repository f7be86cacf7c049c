/**
 * Every figure of the notebooks: Observable Plot rendered server-side with a
 * linkedom document, wrapped in one standalone SVG (with xmlns) that carries the
 * title, the legend and a white background. Size, colours and fonts live in
 * lib/plots/figure.ts; each kind of figure in its own module of lib/plots/.
 *
 * Each function returns an SVG string for lib/show `plot`, or for
 * lib/io/images.ts `svgToPng`.
 *
 * Only the public names are re-exported (lib/mod.ts re-exports this module):
 * the shared rendering helpers stay inside lib/plots/.
 *
 * @module
 */

export { FIGURE, type FigureOptions } from "./plots/figure.ts";
export { type HistoryPoint, lossCurves, type Series } from "./plots/curves.ts";
export { type Bar, barChart } from "./plots/bars.ts";
export { type HeatCell, heatmap, heatmapGrid } from "./plots/heatmap.ts";
export {
  fitLine,
  lineChart,
  type Point,
  scatterWithFit,
  type XYOptions,
} from "./plots/xy.ts";
export { type ColourShare, colourShareChart } from "./plots/colour_shares.ts";
export { imageGrid, svgToPng } from "./io/images.ts";
export {
  dotRanges,
  type DotRangesOptions,
  type DotReference,
  type DotRow as DotRangeRow,
} from "./plots/dot_ranges.ts";
export {
  maskOutcomes,
  type MaskPhotos,
  type MaskRow,
  OUTCOME_COLOURS,
  spreadByScore,
} from "./plots/mask_outcomes.ts";
export { type DotPanel, dotPlot, type DotRow } from "./plots/dots.ts";
export {
  type BandSeries,
  orderedColours,
  trainValCurves,
} from "./plots/bands.ts";

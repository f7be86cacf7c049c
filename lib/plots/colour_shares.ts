/**
 * How often each palette colour is true and how often a model predicts it:
 * bars in pairs, one pair per colour, ordered from greyest to most
 * colourful, with the colour itself as the tick label (a swatch under its
 * pair).
 *
 * @module
 */
import * as Plot from "@observablehq/plot";
import { colourOf, type FigureOptions, render, sizeOf } from "./figure.ts";
import { frame } from "./frame.ts";

/** One palette colour's shares (fractions of the validation pixels). */
export interface ColourShare {
  /** "#rrggbb". */
  hex: string;
  /** Palette index, the facet's label. */
  colour: number;
  trueShare: number;
  predictedShare: number;
}

/**
 * Paired bars of true and predicted share per colour, swatches as tick
 * labels; the colours in the order given.
 * @see notebooks/01_colourization.ipynb
 */
export function colourShareChart(
  shares: ColourShare[],
  options: FigureOptions & { predictedLabel: string },
): string {
  const size = { ...sizeOf(options), width: options.width ?? 900 };
  const series = ["true (validation)", options.predictedLabel];
  const rows = shares.flatMap((s) => [
    { colour: String(s.colour), series: series[0], share: 100 * s.trueShare },
    {
      colour: String(s.colour),
      series: series[1],
      share: 100 * s.predictedShare,
    },
  ]);
  const top = Math.max(...rows.map((r) => r.share));
  const hexOf = new Map(shares.map((s) => [String(s.colour), s.hex]));
  const swatch = top * 0.07;
  const inner = render({
    fx: {
      domain: shares.map((s) => String(s.colour)),
      label: "palette colour (index), greyest to most colourful",
      padding: 0.15,
    },
    x: { axis: null, domain: series, padding: 0 },
    y: {
      label: "% of validation pixels",
      grid: true,
      domain: [-1.6 * swatch, top * 1.05],
      ticks: 6,
      tickFormat: (v: number) => v < 0 ? "" : String(v),
    },
    color: { domain: series, range: [colourOf(0), colourOf(1)] },
    marks: [
      Plot.barY(rows, {
        fx: "colour",
        x: "series",
        y: "share",
        fill: "series",
      }),
      // the colour itself under its pair of bars, as the tick label
      Plot.barY(rows, {
        fx: "colour",
        x: "series",
        y1: -1.5 * swatch,
        y2: -0.3 * swatch,
        fill: (r: { colour: string }) => hexOf.get(r.colour),
        z: null,
        insetLeft: 0,
        insetRight: 0,
      }),
      Plot.ruleY([0]),
    ],
  }, size);
  const legend = series.map((label, i) => ({
    label,
    colour: colourOf(i),
    kind: "box" as const,
  }));
  return frame(inner, { ...options, legend }, size);
}

/**
 * The house style of every figure (size, font, palette) and the Observable
 * Plot call that renders a figure's plot server-side in a linkedom document;
 * plus the small helpers every figure shares (size, colours, axes, numbers).
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { DOMParser } from "linkedom";
import { FONT, FONT_SIZE } from "../style.ts";

/** The house style: one size, font and palette for every figure. */
export const FIGURE = {
  width: 960,
  height: 380,
  font: FONT,
  fontSize: FONT_SIZE,
  titleSize: 15,
  /** Tableau 10: distinguishable, colour-blind friendlier than the d3 default. */
  colours: [
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
  ],
} as const;

/** Title and optional subtitle shared by every figure. */
export interface FigureOptions {
  title: string;
  subtitle?: string;
  width?: number;
  height?: number;
}

type PlotElement = { outerHTML: string };

function newDocument() {
  return new DOMParser().parseFromString(
    "<!DOCTYPE html><html></html>",
    "text/html",
  );
}

/** Plot.plot with the house style; returns the inner <svg> markup. */
export function render(
  options: Record<string, unknown>,
  size: { width: number; height: number },
) {
  const svg = Plot.plot({
    document: newDocument(),
    width: size.width,
    height: size.height,
    style: {
      fontFamily: FIGURE.font,
      fontSize: `${FIGURE.fontSize}px`,
      background: "white",
    },
    marginLeft: 60,
    marginBottom: 45,
    ...options,
  } as Plot.PlotOptions) as unknown as PlotElement;
  return svg.outerHTML;
}

/** The figure size: the options' own, else the house size. */
export function sizeOf(options: FigureOptions) {
  return {
    width: options.width ?? FIGURE.width,
    height: options.height ?? FIGURE.height,
  };
}

/** The house colour of series `index`, cycling through FIGURE.colours. */
export function colourOf(index: number): string {
  return FIGURE.colours[index % FIGURE.colours.length];
}

/** A linear or log axis; log ticks as plain numbers (not SI "500m"). */
export function axisOf(label: string, log?: boolean) {
  return log
    ? { label, type: "log", tickFormat: "~g" }
    : { label, type: "linear" };
}

/** A number for a label: integers as they are, others to `digits` significant digits. */
export function fmt(v: number, digits: number): string {
  return Number.isInteger(v)
    ? String(v)
    : Number(v.toPrecision(digits)).toString();
}

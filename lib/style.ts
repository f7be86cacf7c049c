/**
 * The house font, shared by the figures (lib/plots) and the image grids
 * (lib/io/images.ts), so that labels look the same in both.
 *
 * @module
 */

/** Font family of every label (DejaVu comes with fonts-dejavu-core). */
export const FONT = "DejaVu Sans, Verdana, sans-serif";
/** Label size in pixels. */
export const FONT_SIZE = 12;

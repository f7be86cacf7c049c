/**
 * Where colourlab keeps its caches (downloads, palettes, runs): the
 * project's git-ignored data/ folder.
 *
 * @module
 */

/** The project's data folder (absolute), whatever the working directory (the kernel runs in notebooks/). */
export function projectDataDir(): string {
  return decodeURIComponent(new URL("../../data", import.meta.url).pathname);
}

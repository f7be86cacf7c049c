/**
 * Where the CLI keeps its cache (downloads, palettes), relative to the project root.
 *
 * @module
 */

/** The data cache folder, git-ignored; the only project folder the trainer may write. */
export const CACHE_DIR = "data";

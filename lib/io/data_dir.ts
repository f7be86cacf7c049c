/**
 * Where colourlab keeps its caches (downloads, palettes, runs): the
 * project's git-ignored data/ folder.
 *
 * @module
 */

/**
 * The cache folder (absolute): `COLOURLAB_CACHE` when set (tests, a
 * second copy of the caches), else the project's data/ folder, whatever the
 * working directory (the kernel runs in notebooks/).
 */
export function projectDataDir(): string {
  let fromEnv: string | undefined;
  try {
    fromEnv = Deno.env.get("COLOURLAB_CACHE") || undefined;
  } catch { /* no --allow-env */ }
  return fromEnv ??
    decodeURIComponent(new URL("../../data", import.meta.url).pathname);
}

/**
 * Where Part C's horse photos come from: a folder in the Weizmann layout
 * given by `--weizmann DIR` or `COLOURLAB_WEIZMANN` ("synthetic" for the
 * embedded shapes), else `data/weizmann-horses/` in the project. Full mode
 * never substitutes the shapes for missing photos: it fails with
 * {@link noWeizmannMessage}, which says where to get them and how to pass
 * them.
 *
 * @module
 */
import { DataError } from "./errors.ts";

/** Where the project looks when nothing is given, relative to its data folder. */
export const LOCAL_WEIZMANN = "weizmann-horses";

/** Photo folders the loader accepts (lib/data/weizmann.ts), masks in mask/. */
const PHOTO_DIRS = ["rgb", "horse", "images"];

/** The message for no horse photos in full mode. */
export function noWeizmannMessage(projectDataDir: string): string {
  return [
    `No Weizmann horse photos for Part C (fine-tuning): none given ` +
    `(--weizmann DIR or COLOURLAB_WEIZMANN=DIR) and no ` +
    `${projectDataDir}/${LOCAL_WEIZMANN}/ folder.`,
    "Two ways on:",
    "  1. get the Weizmann Horse Database (E. Borenstein and S. Ullman, " +
    'ECCV 2002; for example the Kaggle copy "weizmann-horse-database": 327 ' +
    "photos in rgb/ and their masks in mask/) and pass its folder " +
    "(deno task report --weizmann DIR, deno task finetune --data DIR, or " +
    "COLOURLAB_WEIZMANN=DIR for both and for the notebooks), or put it at " +
    `${projectDataDir}/${LOCAL_WEIZMANN}/;`,
    "  2. synthetic instead of DIR (COLOURLAB_WEIZMANN=synthetic): the offline " +
    "demonstration on synthetic shapes, labelled " +
    '"synthetic shapes, not the Weizmann horse photos" wherever its results appear.',
  ].join("\n");
}

/**
 * The photo folder to use: `given` (a folder or "synthetic"), else the
 * project's `data/weizmann-horses/` when it holds masks, else undefined
 * (nothing found: the caller decides, see {@link requireWeizmann}).
 */
export function findWeizmann(
  given: string | undefined,
  projectDataDir: string,
): string | undefined {
  if (given) return given;
  const local = `${projectDataDir}/${LOCAL_WEIZMANN}`;
  return isDir(`${local}/mask`) ? local : undefined;
}

/**
 * `found` when it is "synthetic" or a folder in the Weizmann layout. Nothing
 * found means the synthetic shapes where `fallback` allows it (quick mode,
 * or the offline demonstration on synthetic CIFAR-10), else a
 * {@link DataError} with {@link noWeizmannMessage}; a folder without the
 * layout gets one that says what it lacks.
 */
export function requireWeizmann(
  found: string | undefined,
  opts: { fallback: boolean; projectDataDir: string },
): string {
  if (found === undefined) {
    if (opts.fallback) return "synthetic";
    throw new DataError(noWeizmannMessage(opts.projectDataDir));
  }
  if (found === "synthetic") return found;
  if (!isDir(found)) {
    throw new DataError(
      `${found}: no such folder (the Weizmann horse photos)`,
      {
        path: found,
      },
    );
  }
  if (
    !PHOTO_DIRS.some((d) => isDir(`${found}/${d}`)) || !isDir(`${found}/mask`)
  ) {
    throw new DataError(
      `${found}: not the Weizmann layout (expected photos in ` +
        `${PHOTO_DIRS.join("/, ")}/ and masks in mask/)`,
      { path: found },
    );
  }
  return found;
}

function isDir(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

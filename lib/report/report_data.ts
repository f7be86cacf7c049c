/**
 * What the report's notebooks will read, settled before the first of them
 * runs: CIFAR-10 (the path given, the cache, else a download with a progress
 * bar on the terminal) and Part C's horse photos. In full mode a missing
 * data set stops the report here, with the data layer's message, before
 * anything trains; quick mode and `--data synthetic` may use the synthetic
 * sets, and then the terminal, the index and every page say so.
 *
 * @module
 */
import { resolve } from "node:path";
import { locateCifar, type LocateOptions } from "../data/cifar_source.ts";
import { findWeizmann, requireWeizmann } from "../data/weizmann_source.ts";
import { SYNTHETIC_CIFAR, SYNTHETIC_SHAPES } from "./synthetic_alarm.ts";

/** What {@link settleReportData} decided. */
export interface ReportData {
  /** COLOURLAB_DATA for the notebooks: an absolute path, "synthetic", or undefined (they read the cache). */
  data?: string;
  /** COLOURLAB_WEIZMANN for the notebooks: an absolute folder or "synthetic". */
  weizmann: string;
  /** CIFAR-10 is replaced by the synthetic scenes. */
  synthetic: boolean;
  /** The Weizmann photos are replaced by synthetic shapes. */
  syntheticShapes: boolean;
  /** Lines for the terminal: where the data comes from, loudly when synthetic. */
  notes: string[];
}

/** Options of {@link settleReportData}. */
export interface ReportDataOptions {
  quick: boolean;
  /** `--data` (or COLOURLAB_DATA): a path or "synthetic". */
  data?: string;
  /** `--weizmann` (or COLOURLAB_WEIZMANN): a folder or "synthetic". */
  weizmann?: string;
  /** The project's data folder (cache, downloads, data/weizmann-horses). */
  projectDataDir: string;
  /** Download settings and progress (lib/data/cifar_source.ts). */
  download?: Pick<
    LocateOptions,
    "url" | "expectedMd5" | "connectTimeoutMs" | "retryDelayMs" | "onProgress"
  >;
}

/**
 * Finds (or downloads) the data. Throws the data layer's DataError when full
 * mode lacks CIFAR-10 or the horse photos: the report must stop there.
 */
export async function settleReportData(
  opts: ReportDataOptions,
): Promise<ReportData> {
  const where = await locateCifar({
    ...opts.download,
    data: opts.data ?? "",
    cacheDir: opts.projectDataDir,
    syntheticFallback: opts.quick,
  });
  const notes: string[] = [];
  let data: string | undefined;
  if (where.kind === "synthetic") {
    data = "synthetic";
    notes.push(
      `${SYNTHETIC_CIFAR.toUpperCase()} (${where.why}): every page says so; ` +
        `these are not the assignment's results`,
    );
  } else if (where.kind === "archive" || where.kind === "folder") {
    data = resolve(where.path);
    notes.push(`data: CIFAR-10 ${where.kind} ${data}`);
  } else {
    notes.push(
      `data: CIFAR-10 ${
        where.kind === "cache" ? "cached" : "downloaded"
      } at ${where.path}`,
    );
  }
  const synthetic = data === "synthetic";
  const weizmann = requireWeizmann(
    findWeizmann(opts.weizmann, opts.projectDataDir),
    { fallback: opts.quick || synthetic, projectDataDir: opts.projectDataDir },
  );
  const syntheticShapes = weizmann === "synthetic";
  if (syntheticShapes) {
    const why = opts.weizmann === "synthetic"
      ? "as asked"
      : `no horse photos found, ${
        opts.quick ? "quick mode" : "--data synthetic"
      }`;
    notes.push(
      `Part C: ${SYNTHETIC_SHAPES.toUpperCase()} (${why}); its page says so`,
    );
  } else {
    notes.push(`Part C: Weizmann horse photos in ${resolve(weizmann)}`);
  }
  return {
    data,
    weizmann: syntheticShapes ? weizmann : resolve(weizmann),
    synthetic,
    syntheticShapes,
    notes,
  };
}

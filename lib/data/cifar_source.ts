/**
 * Where CIFAR-10 comes from, in this order: an explicit path (the `data`
 * option or `COLOURLAB_DATA`: an archive or an extracted folder, or
 * "synthetic"), the cache in `data/raw/`, else a verified (and resumable)
 * download of the official archive. Without any of them it fails with one
 * message that says what failed and the three ways on; only a caller that
 * allows it (quick mode) gets the synthetic set instead, and then says why.
 *
 * @module
 */
import {
  CIFAR10_MD5,
  CIFAR10_URL,
  DownloadError,
  type DownloadProgress,
  downloadVerified,
} from "./download.ts";
import { DataError } from "./errors.ts";

/** Where the downloaded archive is cached, relative to the cache folder. */
export const CACHED_ARCHIVE = "raw/cifar-10-binary.tar.gz";

/** Options of {@link locateCifar}. */
export interface LocateOptions {
  /** "synthetic", an archive (.tar.gz) or an extracted folder; else env COLOURLAB_DATA. */
  data?: string;
  /** Cache folder (default "data", relative to the working directory). */
  cacheDir?: string;
  /** Download URL (default env COLOURLAB_CIFAR_URL, else the official one). */
  url?: string;
  /** md5 the download must have (default the official archive's). */
  expectedMd5?: string;
  /** Connect timeout of the download in ms (default 15,000). */
  connectTimeoutMs?: number;
  /** Pause before the download's retry k: k times this (default 1,000 ms). */
  retryDelayMs?: number;
  /** Download progress, on every chunk (thousands of calls: throttle what you show). */
  onProgress?: (p: DownloadProgress) => void;
  /**
   * No data given, none cached, no download: use the synthetic set (true;
   * quick mode only) or throw the {@link noCifarMessage} (false, default).
   */
  syntheticFallback?: boolean;
}

/** What {@link locateCifar} found. */
export type CifarLocation =
  | { kind: "archive" | "folder"; path: string; origin: string }
  | { kind: "cache"; path: string }
  | { kind: "download"; path: string; url: string }
  | { kind: "synthetic"; why: string };

/**
 * The message for no CIFAR-10 at all: what failed (`failure`, e.g. "could
 * not reach URL (...)"), and the three ways on.
 */
export function noCifarMessage(cached: string, failure: string): string {
  return [
    `No CIFAR-10 data: none given (--data PATH or COLOURLAB_DATA=PATH), ` +
    `nothing cached at ${cached}, and ${failure}.`,
    "Three ways on:",
    "  1. --data PATH (or COLOURLAB_DATA=PATH): a local copy of the official " +
    "binary archive cifar-10-binary.tar.gz (https://www.cs.toronto.edu/~kriz/cifar-10.html) " +
    "or its extracted folder;",
    "  2. connect to the network and run again (the 162 MB download resumes " +
    "where it stopped);",
    "  3. --data synthetic (or COLOURLAB_DATA=synthetic): the offline " +
    "demonstration on built-in synthetic scenes, labelled " +
    '"synthetic data, not CIFAR-10" wherever its results appear.',
  ].join("\n");
}

/**
 * Finds the data (downloading it when nothing else is there). Throws a
 * {@link DataError}: a path that does not exist, a failed md5, or no data
 * at all ({@link noCifarMessage}) unless `syntheticFallback`.
 */
export async function locateCifar(
  opts: LocateOptions = {},
): Promise<CifarLocation> {
  const fromEnv = opts.data === undefined
    ? envVar("COLOURLAB_DATA")
    : undefined;
  const explicit = opts.data ?? fromEnv;
  if (explicit === "synthetic") return { kind: "synthetic", why: "as asked" };
  if (explicit !== undefined && explicit !== "") {
    const origin = fromEnv === undefined ? "the data option" : "COLOURLAB_DATA";
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(explicit);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
      throw new DataError(
        `${explicit}: no such file or folder (given by ${origin})`,
        { path: explicit },
      );
    }
    return {
      kind: info.isDirectory ? "folder" : "archive",
      path: explicit,
      origin,
    };
  }
  const cached = `${opts.cacheDir ?? "data"}/${CACHED_ARCHIVE}`;
  if (await isFile(cached)) return { kind: "cache", path: cached };
  const url = opts.url ?? envVar("COLOURLAB_CIFAR_URL") ?? CIFAR10_URL;
  try {
    await downloadVerified(url, cached, {
      expectedMd5: opts.expectedMd5 ?? CIFAR10_MD5,
      connectTimeoutMs: opts.connectTimeoutMs,
      retryDelayMs: opts.retryDelayMs,
      onProgress: opts.onProgress,
    });
  } catch (err) {
    if (!(err instanceof DownloadError) || err.reason === "md5") throw err;
    if (opts.syntheticFallback) {
      return { kind: "synthetic", why: `no CIFAR-10 data: ${err.message}` };
    }
    throw new DataError(noCifarMessage(cached, err.message), {
      path: url,
      cause: err,
    });
  }
  return { kind: "download", path: cached, url };
}

/** An environment variable, or undefined when unset or not permitted. */
export function envVar(name: string): string | undefined {
  if (
    Deno.permissions.querySync({ name: "env", variable: name }).state !==
      "granted"
  ) {
    return undefined;
  }
  return Deno.env.get(name);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

/**
 * Download once, check the md5, then cache: the official archive is streamed
 * to a temporary name next to its destination, hashed as it arrives, and
 * renamed only when complete and verified. Nothing half-written stays behind.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { DataError } from "./errors.ts";

/** The official CIFAR-10 binary archive (about 162 MB). */
export const CIFAR10_URL =
  "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";

/** Its md5, as published on the CIFAR-10 page. */
export const CIFAR10_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";

/** Bytes received so far, and the total when the server says it. */
export interface DownloadProgress {
  /** Bytes written so far. */
  receivedBytes: number;
  /** The content-length, when the server sends one. */
  totalBytes?: number;
}

/** Options of {@link downloadVerified}. */
export interface DownloadOptions {
  /** The md5 (hex) the file must have before it is renamed into place. */
  expectedMd5: string;
  /** Give up when no response has started after this long (default 15 s). */
  connectTimeoutMs?: number;
  /** Give up when no bytes arrive for this long mid-download (default 60 s). */
  stallTimeoutMs?: number;
  /** Called on every chunk received. */
  onProgress?: (p: DownloadProgress) => void;
}

/** Why a download failed: unreachable (offline), bad status, md5, or cut off. */
export type DownloadFailure = "unreachable" | "status" | "md5" | "interrupted";

/** A failed download; `reason` tells an offline machine from a bad file. */
export class DownloadError extends DataError {
  /** What went wrong. */
  readonly reason: DownloadFailure;
  /** The URL that failed. */
  readonly url: string;

  /** A failure of `opts.url` for `opts.reason`. */
  constructor(
    message: string,
    opts: { url: string; reason: DownloadFailure; cause?: unknown },
  ) {
    super(message, { path: opts.url, cause: opts.cause });
    this.name = "DownloadError";
    this.reason = opts.reason;
    this.url = opts.url;
  }
}

/**
 * Downloads `url` to `dest` (its folder is created), verifying the md5 first.
 * Throws a {@link DownloadError}; on any failure `dest` is untouched and the
 * temporary file is removed.
 */
export async function downloadVerified(
  url: string,
  dest: string,
  opts: DownloadOptions,
): Promise<void> {
  const slash = dest.lastIndexOf("/");
  const dir = slash >= 0 ? dest.slice(0, slash) : ".";
  const base = dest.slice(slash + 1);
  const temp = `${dir}/.${base}.${crypto.randomUUID().slice(0, 8)}.part`;
  const controller = new AbortController();
  let timer = setTimeout(
    () => controller.abort(new Error("connect timeout")),
    opts.connectTimeoutMs ?? 15_000,
  );
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal });
    } catch (err) {
      throw new DownloadError(`could not reach ${url} (${reasonOf(err)})`, {
        url,
        reason: "unreachable",
        cause: err,
      });
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new DownloadError(
        `download of ${url} failed: HTTP ${response.status} ${response.statusText}`,
        { url, reason: "status" },
      );
    }
    await Deno.mkdir(dir, { recursive: true }); // only now: offline leaves nothing
    await removeStale(dir, base);
    const length = Number(response.headers.get("content-length"));
    const totalBytes = length > 0 ? length : undefined;
    const md5 = createHash("md5");
    let receivedBytes = 0;
    opts.onProgress?.({ receivedBytes, totalBytes });
    const stall = opts.stallTimeoutMs ?? 60_000;
    const file = await Deno.open(temp, { write: true, createNew: true });
    try {
      for await (const chunk of response.body) {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(new Error("stalled")), stall);
        md5.update(chunk);
        await writeAll(file, chunk);
        receivedBytes += chunk.length;
        opts.onProgress?.({ receivedBytes, totalBytes });
      }
    } catch (err) {
      throw new DownloadError(
        `download of ${url} was cut off after ${receivedBytes} bytes (${
          reasonOf(err)
        })`,
        { url, reason: "interrupted", cause: err },
      );
    } finally {
      file.close();
    }
    if (totalBytes !== undefined && receivedBytes !== totalBytes) {
      throw new DownloadError(
        `download of ${url} was cut off: ${receivedBytes} of ${totalBytes} bytes`,
        { url, reason: "interrupted" },
      );
    }
    const got = md5.digest("hex");
    if (got !== opts.expectedMd5.toLowerCase()) {
      throw new DownloadError(
        `download of ${url}: md5 mismatch (got ${got}, expected ${opts.expectedMd5}); ` +
          `the file was discarded and nothing was cached`,
        { url, reason: "md5" },
      );
    }
    await Deno.rename(temp, dest);
  } finally {
    clearTimeout(timer);
    await Deno.remove(temp).catch(() => {}); // gone already after the rename
  }
}

/** Removes temporary files of killed downloads (untouched for 10 minutes). */
async function removeStale(dir: string, base: string): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    const name = entry.name;
    if (
      !entry.isFile || !name.startsWith(`.${base}.`) || !name.endsWith(".part")
    ) {
      continue;
    }
    const info = await Deno.stat(`${dir}/${name}`).catch(() => undefined);
    if (info?.mtime && Date.now() - info.mtime.getTime() > 10 * 60_000) {
      await Deno.remove(`${dir}/${name}`).catch(() => {});
    }
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    written += await file.write(bytes.subarray(written));
  }
}

function reasonOf(err: unknown): string {
  const e = err as Error & { cause?: Error };
  // fetch says "fetch failed"; its cause names the DNS or connection error.
  const cause = e?.cause?.message;
  return cause && !e.message.includes(cause)
    ? `${e.message}: ${cause}`
    : e?.message ?? String(err);
}

/**
 * Download once, check the md5, then cache: the official archive is streamed
 * into a partial file beside its destination (`.NAME.partial`, a name the
 * cache never reads), hashed, and renamed into place only when complete and
 * verified. A cut connection keeps the partial file, and the next attempt
 * asks for the rest only (HTTP Range); it starts again from zero when the
 * server ignores Range or the partial file does not fit what the server says.
 * The partial file goes once the download completes or fails its md5.
 *
 * @module
 */
import { createHash, type Hash } from "node:crypto";
import { DataError } from "./errors.ts";
import {
  dropPartial,
  folderOf,
  lockFolder,
  type PartialMeta,
  partialPaths,
  type PartialState,
  readPartial,
  writePartialMeta,
} from "./partial_file.ts";

/** The official CIFAR-10 binary archive (about 162 MB). */
export const CIFAR10_URL =
  "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";

/** Its md5, as published on the CIFAR-10 page. */
export const CIFAR10_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";

/** Bytes of the file so far, and the total when the server says it. */
export interface DownloadProgress {
  /** Bytes of the file so far, those of earlier attempts included. */
  receivedBytes: number;
  /** The whole file's length, when the server says it. */
  totalBytes?: number;
  /** Bytes already in the partial file when this attempt started. */
  resumedFromBytes: number;
  /** 1 for the first request of this call, 2 for its first retry, ... */
  attempt: number;
}

/** Options of {@link downloadVerified}. */
export interface DownloadOptions {
  /** The md5 (hex) the file must have before it is renamed into place. */
  expectedMd5: string;
  /** Give up when no response has started after this long (default 15 s). */
  connectTimeoutMs?: number;
  /** Give up when no bytes arrive for this long mid-download (default 60 s). */
  stallTimeoutMs?: number;
  /** Requests in all when the connection is cut mid-file (default 5); each resumes. */
  attempts?: number;
  /** Pause before retry k: k times this (default 1,000 ms). */
  retryDelayMs?: number;
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
 * Downloads `url` to `dest` (its folder is created once the server answers),
 * resuming a partial file an earlier attempt left, retrying a cut connection
 * up to `attempts` times, and verifying the md5 before the rename. Throws a
 * {@link DownloadError}; `dest` is never touched unless verified.
 */
export async function downloadVerified(
  url: string,
  dest: string,
  opts: DownloadOptions,
): Promise<void> {
  const attempts = Math.max(1, opts.attempts ?? 5);
  for (let attempt = 1;; attempt++) {
    try {
      return await attemptDownload(url, dest, opts, attempt);
    } catch (err) {
      // Offline from the start fails at once; a cut (or a server gone after
      // a cut) is retried from where it stopped.
      const retry = err instanceof DownloadError &&
        (err.reason === "interrupted" ||
          (err.reason === "unreachable" && attempt > 1));
      if (!retry || attempt >= attempts) throw err;
      await new Promise((r) =>
        setTimeout(r, attempt * (opts.retryDelayMs ?? 1000))
      );
    }
  }
}

/** One request: resumes from the partial file when there is a usable one. */
async function attemptDownload(
  url: string,
  dest: string,
  opts: DownloadOptions,
  attempt: number,
): Promise<void> {
  const expect = { url, md5: opts.expectedMd5.toLowerCase() };
  const partial = await readPartial(dest, expect);
  const controller = new AbortController();
  let timer = setTimeout(
    () => controller.abort(new Error("connect timeout")),
    opts.connectTimeoutMs ?? 15_000,
  );
  let release: (() => void) | undefined;
  const again = async (response: Response) => {
    await response.body?.cancel();
    clearTimeout(timer);
    release?.();
    release = undefined;
    return await attemptDownload(url, dest, opts, attempt);
  };
  try {
    const response = await request(url, partial, controller.signal);
    const plan = planWrite(response, partial, expect);
    if (plan === "restart") {
      // the server's answer does not fit the partial file: ask for everything
      await dropPartial(dest);
      return await again(response);
    }
    await Deno.mkdir(folderOf(dest), { recursive: true }); // only now: offline leaves nothing
    release = await lockFolder(dest);
    if (await exists(dest)) { // another process finished it while we waited
      await response.body?.cancel();
      return;
    }
    const now = await readPartial(dest, expect);
    if (plan.offset > 0 && now?.size !== plan.offset) {
      return await again(response); // another process moved it on meanwhile
    }
    const path = partialPaths(dest).data;
    const md5 = createHash("md5");
    if (plan.offset > 0) await hashFile(path, md5);
    else await writePartialMeta(dest, plan.meta);
    let receivedBytes = plan.offset;
    const totalBytes = plan.meta.totalBytes;
    const progress = () =>
      opts.onProgress?.({
        receivedBytes,
        totalBytes,
        resumedFromBytes: plan.offset,
        attempt,
      });
    progress();
    const stall = opts.stallTimeoutMs ?? 60_000;
    const file = await Deno.open(path, {
      write: true,
      create: true,
      append: plan.offset > 0,
      truncate: plan.offset === 0,
    });
    try {
      for await (const chunk of response.body!) {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(new Error("stalled")), stall);
        md5.update(chunk);
        await writeAll(file, chunk);
        receivedBytes += chunk.length;
        progress();
      }
    } catch (err) {
      throw cutOff(url, receivedBytes, totalBytes, reasonOf(err), err);
    } finally {
      file.close();
    }
    if (totalBytes !== undefined && receivedBytes !== totalBytes) {
      throw cutOff(url, receivedBytes, totalBytes, "the body ended early");
    }
    const got = md5.digest("hex");
    if (got !== expect.md5) {
      await dropPartial(dest);
      throw new DownloadError(
        `download of ${url}: md5 mismatch (got ${got}, expected ${expect.md5}); ` +
          `the file was discarded and nothing was cached`,
        { url, reason: "md5" },
      );
    }
    await Deno.rename(path, dest);
    await dropPartial(dest);
  } finally {
    clearTimeout(timer);
    release?.();
  }
}

/** GET, with a Range (and If-Range) header when resuming. */
async function request(
  url: string,
  partial: PartialState | undefined,
  signal: AbortSignal,
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (partial && partial.size > 0) {
    headers.range = `bytes=${partial.size}-`;
    // If-Range: the rest if the file is unchanged, else all of it (a weak
    // ETag cannot be used there)
    const { etag, lastModified } = partial.meta;
    const validator = etag && !etag.startsWith("W/") ? etag : lastModified;
    if (validator) headers["if-range"] = validator;
  }
  let response: Response;
  try {
    response = await fetch(url, { headers, signal });
  } catch (err) {
    throw new DownloadError(`could not reach ${url} (${reasonOf(err)})`, {
      url,
      reason: "unreachable",
      cause: err,
    });
  }
  const resuming = headers.range !== undefined;
  // 206 answers a Range only; 416: the partial file is longer than the file
  const ok = response.status === 200 ||
    (resuming && (response.status === 206 || response.status === 416));
  if (!ok || !response.body) {
    await response.body?.cancel();
    throw new DownloadError(
      `download of ${url} failed: HTTP ${response.status} ${response.statusText}`,
      { url, reason: "status" },
    );
  }
  return response;
}

/** Where the body goes: appended at `offset`, or the whole file; or restart. */
function planWrite(
  response: Response,
  partial: PartialState | undefined,
  expect: { url: string; md5: string },
): "restart" | { offset: number; meta: PartialMeta } {
  if (response.status === 206) {
    const range = parseContentRange(response.headers.get("content-range"));
    const known = partial?.meta.totalBytes;
    if (
      !partial || !range || range.start !== partial.size ||
      (known !== undefined && range.total !== known)
    ) {
      return "restart";
    }
    return {
      offset: partial.size,
      meta: { ...partial.meta, totalBytes: range.total ?? known },
    };
  }
  if (response.status === 416) return "restart";
  // 200: the whole file (the server ignores Range, or the file changed)
  const length = Number(response.headers.get("content-length"));
  return {
    offset: 0,
    meta: {
      ...expect,
      totalBytes: length > 0 ? length : undefined,
      etag: response.headers.get("etag") ?? undefined,
      lastModified: response.headers.get("last-modified") ?? undefined,
    },
  };
}

/** `bytes START-END/TOTAL` (TOTAL may be `*`, which cannot be checked). */
function parseContentRange(
  header: string | null,
): { start: number; total?: number } | undefined {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header?.trim() ?? "");
  if (!m) return undefined;
  return {
    start: Number(m[1]),
    total: m[3] === "*" ? undefined : Number(m[3]),
  };
}

function cutOff(
  url: string,
  received: number,
  total: number | undefined,
  why: string,
  cause?: unknown,
): DownloadError {
  const of = total === undefined ? "" : ` of ${total}`;
  return new DownloadError(
    `download of ${url} was cut off after ${received}${of} bytes (${why}); ` +
      `what arrived is kept, and the next attempt resumes from there`,
    { url, reason: "interrupted", cause },
  );
}

async function hashFile(path: string, md5: Hash): Promise<void> {
  const file = await Deno.open(path);
  for await (const chunk of file.readable) md5.update(chunk); // closes the file
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
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

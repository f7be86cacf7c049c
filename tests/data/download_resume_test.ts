/**
 * Resuming a cut download against a local HTTP server (127.0.0.1 only), with
 * and without Range support, that cuts the connection mid-file once.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import {
  DownloadError,
  type DownloadProgress,
  downloadVerified,
} from "../../lib/data/download.ts";
import { partialPaths } from "../../lib/data/partial_file.ts";
import {
  fixtureBatches,
  listFiles,
  officialLayout,
  tarBytes,
} from "./fixtures.ts";

const archive = new Uint8Array(
  gzipSync(tarBytes(officialLayout(fixtureBatches()))),
);
const md5 = createHash("md5").update(archive).digest("hex");

/** One request as the server saw it. */
interface Logged {
  range: string | null;
  ifRange: string | null;
  status: number;
  /** Bytes the server meant to send. */
  bodyBytes: number;
}

/**
 * Serves `archive` in 256-byte chunks; with `ranges`, answers `Range:
 * bytes=N-` with 206. The first request (only) ends after `cutAfter` bytes,
 * short of its content-length: the connection breaks mid-body.
 */
function serve(opts: { ranges: boolean; cutAfter?: number; etag?: string }) {
  const log: Logged[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => {
      const range = req.headers.get("range");
      const m = /^bytes=(\d+)-$/.exec(range ?? "");
      const start = opts.ranges && m ? Number(m[1]) : 0;
      const status = start > 0 ? 206 : 200;
      const cut = log.length === 0 ? opts.cutAfter : undefined;
      log.push({
        range,
        ifRange: req.headers.get("if-range"),
        status,
        bodyBytes: archive.length - start,
      });
      let at = start;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          if (cut !== undefined && at >= cut) {
            controller.close(); // short of its content-length: the connection breaks
            return;
          }
          const end = Math.min(at + 256, archive.length, cut ?? Infinity);
          controller.enqueue(archive.slice(at, end));
          at = end;
          if (at >= archive.length) controller.close();
        },
      });
      const headers: Record<string, string> = {
        "content-length": String(archive.length - start),
      };
      if (opts.etag) headers.etag = opts.etag;
      if (status === 206) {
        headers["content-range"] = `bytes ${start}-${
          archive.length - 1
        }/${archive.length}`;
      }
      return new Response(body, { status, headers });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/cifar-10-binary.tar.gz`,
    log,
    close: () => server.shutdown(),
  };
}

async function withDir(fn: (dest: string, dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(`${dir}/raw/cifar-10-binary.tar.gz`, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const PARTS = [
  "raw/.cifar-10-binary.tar.gz.partial",
  "raw/.cifar-10-binary.tar.gz.partial.json",
];

Deno.test("downloadVerified() resumes a cut download", async (t) => {
  const cutAfter = Math.floor(archive.length / 2 / 256) * 256;
  assert.ok(cutAfter > 0, "the fixture archive spans several chunks");

  await t.step(
    "with Range: the retry fetches only the rest, md5 passes",
    () =>
      withDir(async (dest, dir) => {
        const server = serve({ ranges: true, cutAfter, etag: '"v1"' });
        const seen: DownloadProgress[] = [];
        await downloadVerified(server.url, dest, {
          expectedMd5: md5,
          retryDelayMs: 1,
          onProgress: (p) => seen.push(p),
        });
        await server.close();
        assert.equal(server.log.length, 2);
        const kept = seen.filter((p) => p.attempt === 1).at(-1)!.receivedBytes;
        assert.ok(kept > 0 && kept <= cutAfter, `kept ${kept} bytes`);
        assert.deepEqual(server.log[1], {
          range: `bytes=${kept}-`,
          ifRange: '"v1"', // the file must not have changed in between
          status: 206,
          bodyBytes: archive.length - kept,
        });
        const second = seen.filter((p) => p.attempt === 2);
        assert.ok(second.every((p) => p.resumedFromBytes === kept));
        assert.equal(second.at(-1)!.receivedBytes, archive.length);
        assert.deepEqual(await Deno.readFile(dest), archive);
        assert.deepEqual(await listFiles(dir), ["raw/cifar-10-binary.tar.gz"]);
      }),
  );

  await t.step(
    "across two calls: the first leaves the part, the next asks for the rest",
    () =>
      withDir(async (dest, dir) => {
        const server = serve({ ranges: true, cutAfter });
        await assert.rejects(
          downloadVerified(server.url, dest, { expectedMd5: md5, attempts: 1 }),
          (e: Error) =>
            e instanceof DownloadError && e.reason === "interrupted",
        );
        assert.deepEqual(await listFiles(dir), PARTS);
        const kept = (await Deno.stat(partialPaths(dest).data)).size;
        await downloadVerified(server.url, dest, { expectedMd5: md5 });
        await server.close();
        assert.deepEqual(server.log.map((r) => [r.range, r.status]), [
          [null, 200],
          [`bytes=${kept}-`, 206],
        ]);
        assert.deepEqual(await Deno.readFile(dest), archive);
        assert.deepEqual(await listFiles(dir), ["raw/cifar-10-binary.tar.gz"]);
      }),
  );

  await t.step(
    "without Range support: the retry starts again from zero, cleanly",
    () =>
      withDir(async (dest, dir) => {
        const server = serve({ ranges: false, cutAfter });
        await downloadVerified(server.url, dest, {
          expectedMd5: md5,
          retryDelayMs: 1,
        });
        await server.close();
        assert.equal(server.log.length, 2);
        assert.match(server.log[1].range ?? "", /^bytes=\d+-$/);
        assert.equal(server.log[1].status, 200);
        assert.equal(server.log[1].bodyBytes, archive.length);
        assert.deepEqual(await Deno.readFile(dest), archive);
        assert.deepEqual(await listFiles(dir), ["raw/cifar-10-binary.tar.gz"]);
      }),
  );

  await t.step(
    "a part that does not fit the server's length: dropped, fetched whole",
    () =>
      withDir(async (dest, dir) => {
        const server = serve({ ranges: true });
        const paths = partialPaths(dest);
        await Deno.mkdir(`${dir}/raw`);
        await Deno.writeFile(paths.data, archive.slice(0, 100));
        await Deno.writeTextFile(
          paths.meta,
          JSON.stringify({
            url: server.url,
            md5,
            totalBytes: archive.length + 5, // the file has changed since
          }),
        );
        await downloadVerified(server.url, dest, { expectedMd5: md5 });
        await server.close();
        assert.deepEqual(server.log.map((r) => [r.range, r.status]), [
          ["bytes=100-", 206],
          [null, 200],
        ]);
        assert.deepEqual(await Deno.readFile(dest), archive);
        assert.deepEqual(await listFiles(dir), ["raw/cifar-10-binary.tar.gz"]);
      }),
  );

  await t.step(
    "a wrong md5 after resuming: nothing in the cache, the part removed",
    () =>
      withDir(async (dest, dir) => {
        const server = serve({ ranges: true, cutAfter });
        await assert.rejects(
          downloadVerified(server.url, dest, {
            expectedMd5: "0".repeat(32),
            retryDelayMs: 1,
          }),
          (e: Error) =>
            e instanceof DownloadError && e.reason === "md5" &&
            e.message.includes(`got ${md5}`),
        );
        await server.close();
        assert.equal(server.log[1].status, 206, "it did resume");
        assert.deepEqual(await listFiles(dir), []);
      }),
  );
});

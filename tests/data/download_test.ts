import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { loadCategoryData } from "../../lib/data/cifar.ts";
import {
  DownloadError,
  type DownloadProgress,
  downloadVerified,
} from "../../lib/data/download.ts";
import {
  fixtureBatches,
  listFiles,
  officialLayout,
  tarBytes,
  withEnv,
} from "./fixtures.ts";

const archive = new Uint8Array(
  gzipSync(tarBytes(officialLayout(fixtureBatches()))),
);
const md5 = createHash("md5").update(archive).digest("hex");

/** Serves `archive` on 127.0.0.1 (port 0) in pieces; counts requests. */
function serve(handler?: (req: Request) => Response | Promise<Response>) {
  let requests = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => {
      requests++;
      if (handler) return handler(req);
      let at = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          await new Promise((resolve) => setTimeout(resolve, 2)); // separate chunks
          controller.enqueue(archive.slice(at, at + 256));
          at += 256;
          if (at >= archive.length) controller.close();
        },
      });
      return new Response(body, {
        headers: { "content-length": String(archive.length) },
      });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/cifar-10-binary.tar.gz`,
    requests: () => requests,
    close: () => server.shutdown(),
  };
}

/** A URL on which nothing listens: a port that was open a moment ago. */
async function deadUrl(): Promise<string> {
  const server = serve();
  await server.close();
  return server.url;
}

const load = (dir: string, opts: Parameters<typeof loadCategoryData>[0]) =>
  withEnv(
    "COLOURLAB_DATA",
    undefined,
    () => loadCategoryData({ cacheDir: dir, ...opts }),
  );

Deno.test("the download path against a local HTTP server", async (t) => {
  await t.step(
    "md5 ok: progress reported, archive cached, then read from the cache",
    async () => {
      const dir = await Deno.makeTempDir();
      const server = serve();
      const seen: DownloadProgress[] = [];
      const data = await load(dir, {
        url: server.url,
        expectedMd5: md5,
        onProgress: (p) => seen.push(p),
      });
      assert.equal(data.source.kind, "download");
      assert.equal(data.source.url, server.url);
      assert.equal(data.train.count, 6);
      assert.ok(seen.length > 2, "several progress reports");
      assert.ok(seen.every((p) => p.totalBytes === archive.length));
      assert.ok(seen.every((p) => p.resumedFromBytes === 0 && p.attempt === 1));
      assert.ok(
        seen.every((p, i) =>
          i === 0 || p.receivedBytes >= seen[i - 1].receivedBytes
        ),
      );
      assert.equal(seen.at(-1)!.receivedBytes, archive.length);
      assert.deepEqual(await listFiles(dir), ["raw/cifar-10-binary.tar.gz"]);
      assert.deepEqual(
        await Deno.readFile(`${dir}/raw/cifar-10-binary.tar.gz`),
        archive,
      );
      const again = await load(dir, { url: server.url, expectedMd5: md5 });
      assert.equal(again.source.kind, "cache");
      assert.equal(again.source.sha256, data.source.sha256);
      assert.equal(
        server.requests(),
        1,
        "the cached archive is not downloaded again",
      );
      await server.close();
      await Deno.remove(dir, { recursive: true });
    },
  );
  await t.step(
    "md5 mismatch: a clear error and nothing left in the cache folder",
    async () => {
      const dir = await Deno.makeTempDir();
      const server = serve();
      await assert.rejects(
        load(dir, { url: server.url, expectedMd5: "0".repeat(32) }),
        (e: Error) => {
          assert.ok(e instanceof DownloadError && e.reason === "md5");
          assert.match(
            e.message,
            new RegExp(`md5 mismatch \\(got ${md5}, expected 0{32}\\)`),
          );
          return true;
        },
      );
      assert.deepEqual(await listFiles(dir), []);
      await server.close();
      await Deno.remove(dir, { recursive: true });
    },
  );
  await t.step(
    "unreachable URL: the offline error says what failed and what to do",
    async () => {
      const dir = await Deno.makeTempDir();
      const url = await deadUrl();
      await assert.rejects(load(dir, { url }), (e: Error) => {
        assert.match(
          e.message,
          /^No CIFAR-10 data: none given \(--data PATH or COLOURLAB_DATA=PATH\), nothing cached at .*raw\/cifar-10-binary\.tar\.gz/,
        );
        assert.ok(e.message.includes(`could not reach ${url}`), e.message);
        assert.match(e.message, /Three ways on:/);
        assert.match(e.message, /1\. --data PATH \(or COLOURLAB_DATA=PATH\)/);
        assert.match(e.message, /2\. connect to the network and run again/);
        assert.match(e.message, /3\. --data synthetic/);
        return true;
      });
      assert.deepEqual(await listFiles(dir), []);
      await Deno.remove(dir, { recursive: true });
    },
  );
  await t.step(
    "unreachable URL with syntheticFallback: the synthetic set, saying why",
    async () => {
      const dir = await Deno.makeTempDir();
      const url = await deadUrl();
      const data = await load(dir, { url, syntheticFallback: true });
      assert.equal(data.source.synthetic, true);
      assert.ok(data.source.description.includes(`could not reach ${url}`));
      await Deno.remove(dir, { recursive: true });
    },
  );
  await t.step("HTTP 404: named in the error", async () => {
    const dir = await Deno.makeTempDir();
    const server = serve(() => new Response("no", { status: 404 }));
    await assert.rejects(load(dir, { url: server.url }), /HTTP 404/);
    assert.deepEqual(await listFiles(dir), []);
    await server.close();
    await Deno.remove(dir, { recursive: true });
  });
  await t.step("a server that never answers: the connect timeout", async () => {
    const dir = await Deno.makeTempDir();
    let release = () => {};
    const hung = new Promise<void>((resolve) => (release = resolve));
    const server = serve(async () => {
      await hung;
      return new Response("late");
    });
    await assert.rejects(
      downloadVerified(server.url, `${dir}/raw/a.tar.gz`, {
        expectedMd5: md5,
        connectTimeoutMs: 200,
      }),
      (e: Error) =>
        e instanceof DownloadError && e.reason === "unreachable" &&
        /connect timeout/.test(e.message),
    );
    assert.deepEqual(await listFiles(dir), []);
    release();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  });
  await t.step(
    "a body shorter than its content-length: cut off, nothing cached, the part kept",
    async () => {
      const dir = await Deno.makeTempDir();
      const server = serve(() =>
        new Response(
          new ReadableStream({
            start(c) {
              c.enqueue(archive.slice(0, 1000));
              c.close();
            },
          }),
          { headers: { "content-length": String(archive.length) } },
        )
      );
      await assert.rejects(
        downloadVerified(server.url, `${dir}/raw/a.tar.gz`, {
          expectedMd5: md5,
          attempts: 2,
          retryDelayMs: 1,
        }),
        (e: Error) =>
          e instanceof DownloadError && e.reason === "interrupted" &&
          /cut off after 1000 of \d+ bytes .*the next attempt resumes/.test(
            e.message,
          ),
      );
      assert.equal(server.requests(), 2, "retried once");
      assert.deepEqual(await listFiles(dir), [
        "raw/.a.tar.gz.partial",
        "raw/.a.tar.gz.partial.json",
      ]);
      await server.close();
      await Deno.remove(dir, { recursive: true });
    },
  );
});

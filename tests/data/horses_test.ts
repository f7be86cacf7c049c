/**
 * What a notebook gets without CIFAR-10 (no data given, none cached, no
 * network): full mode fails with the data layer's message, quick mode gets
 * the synthetic set and says why.
 */
import assert from "node:assert/strict";
import { DataError } from "../../lib/data/errors.ts";
import { loadExperimentData } from "../../lib/data/horses.ts";
import { listFiles, withEnv } from "./fixtures.ts";

/** A URL on which nothing listens: a port that was open a moment ago. */
async function deadUrl(): Promise<string> {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("x"),
  );
  await server.shutdown();
  return `http://127.0.0.1:${server.addr.port}/cifar-10-binary.tar.gz`;
}

Deno.test("loadExperimentData() offline with nothing cached", async (t) => {
  const cacheDir = await Deno.makeTempDir({ prefix: "colourlab-exp-data-" });
  const offline = <T>(fn: () => Promise<T>) =>
    withEnv(
      "COLOURLAB_DATA",
      undefined,
      async () => withEnv("COLOURLAB_CIFAR_URL", await deadUrl(), fn),
    );
  try {
    await t.step(
      "full mode: the message with the ways on, no stand-in",
      () =>
        offline(async () => {
          await assert.rejects(
            loadExperimentData({ quick: false, seed: 0 }, { cacheDir }),
            (e: Error) =>
              e instanceof DataError &&
              /^No CIFAR-10 data: .*could not reach/.test(e.message) &&
              /Three ways on:/.test(e.message),
          );
          assert.deepEqual(await listFiles(cacheDir), []);
        }),
    );
    await t.step(
      "quick mode: the synthetic set, saying why",
      () =>
        offline(async () => {
          const exp = await loadExperimentData({ quick: true, seed: 0 }, {
            cacheDir,
          });
          assert.equal(exp.data.source.synthetic, true);
          assert.match(
            exp.data.source.description,
            /no CIFAR-10 data: could not reach/,
          );
        }),
    );
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});

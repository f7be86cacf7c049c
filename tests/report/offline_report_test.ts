/**
 * The full report on a fresh copy of the project (its code, no data/ cache)
 * and no network: it stops before its first notebook with one message that
 * says what failed and the ways on, and writes nothing under data/.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fixtureBatches, listFiles, writeArchive } from "../data/fixtures.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** What a fresh clone holds that the report needs (not data/, not report/). */
const CODE = ["lib", "notebooks", "tools", "jupyter", "deno.json", "deno.lock"];

async function copyTree(from: string, to: string): Promise<void> {
  if ((await Deno.stat(from)).isFile) return await Deno.copyFile(from, to);
  await Deno.mkdir(to, { recursive: true });
  for await (const e of Deno.readDir(from)) {
    await copyTree(join(from, e.name), join(to, e.name));
  }
}

/** A URL on which nothing listens: a port that was open a moment ago. */
async function deadUrl(): Promise<string> {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("x"),
  );
  await server.shutdown();
  return `http://127.0.0.1:${server.addr.port}/cifar-10-binary.tar.gz`;
}

/** Runs the copy's report CLI as `deno task report` would, offline. */
async function report(copy: string, args: string[]) {
  const env = Deno.env.toObject();
  for (const name of Object.keys(env)) {
    if (name.startsWith("COLOURLAB_")) delete env[name];
  }
  env.COLOURLAB_CIFAR_URL = await deadUrl();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(copy, "lib/report/cli.ts"), ...args],
    cwd: copy,
    clearEnv: true,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("the offline full report stops before any training, with the message", async (t) => {
  const copy = await Deno.makeTempDir({ prefix: "colourlab-fresh-" });
  try {
    for (const entry of CODE) {
      await copyTree(join(ROOT, entry), join(copy, entry));
    }
    await Deno.mkdir(join(copy, "data"));

    await t.step("no CIFAR-10: what failed and the three ways on", async () => {
      const r = await report(copy, ["--no-browser"]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /report: stopped before running any notebook\./);
      assert.match(r.stderr, /No CIFAR-10 data: none given .*could not reach/);
      assert.match(r.stderr, /1\. --data PATH/);
      assert.match(r.stderr, /2\. connect to the network and run again/);
      assert.match(r.stderr, /3\. --data synthetic/);
      assert.doesNotMatch(r.stdout, /\[1\/\d+\]/, "no notebook started");
      assert.deepEqual(await listFiles(join(copy, "data")), []);
      await assert.rejects(
        Deno.stat(join(copy, "report")),
        Deno.errors.NotFound,
      );
    });

    await t.step("CIFAR-10 but no horse photos: Part C's message", async () => {
      const archive = await writeArchive(copy, fixtureBatches());
      const r = await report(copy, ["--data", archive, "--no-browser"]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /No Weizmann horse photos for Part C/);
      assert.doesNotMatch(r.stdout, /\[1\/\d+\]/, "no notebook started");
      assert.deepEqual(await listFiles(join(copy, "data")), []);
    });
  } finally {
    await Deno.remove(copy, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { codeFiles } from "../../lib/run/code_version.ts";

Deno.test("the live page's code reaches no Deno- or Node-only module (helper threads, file I/O)", async () => {
  const files = Object.keys(await codeFiles(["browser/main.ts"]));
  assert.ok(files.includes("lib/models/resample.ts"), files.join("\n"));
  for (const f of files) {
    assert.ok(
      !/kernels\/plumbing\/(helper_threads|helper_worker)\.ts$|lib\/io\/file_handler\.ts$|lib\/backend\/wasm_threads\.ts$/
        .test(f),
      `${f} would pull node:worker_threads or Deno's file system into the browser bundle`,
    );
  }
});

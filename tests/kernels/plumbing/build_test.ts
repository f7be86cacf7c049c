import assert from "node:assert/strict";
import {
  buildKernels,
  kernelsModule,
} from "../../../lib/kernels/plumbing/build.ts";

Deno.test("the committed kernels module is what the sources build to", async () => {
  const built = kernelsModule(
    await buildKernels(false),
    await buildKernels(true),
  );
  const committed = await Deno.readTextFile(
    new URL("../../../lib/kernels/plumbing/kernels_wasm.ts", import.meta.url),
  );
  assert.ok(
    built === committed,
    "lib/kernels/plumbing/kernels_wasm.ts is stale: run deno task build:kernels",
  );
});

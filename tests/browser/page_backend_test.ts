import assert from "node:assert/strict";
import { requestedBackend } from "../../lib/browser/page_backend.ts";

Deno.test("requestedBackend(): ?backend=webgpu|wasm, else the page chooses", () => {
  assert.equal(requestedBackend(""), undefined);
  assert.equal(requestedBackend("?x=1"), undefined);
  assert.equal(requestedBackend("?backend="), undefined);
  assert.equal(requestedBackend("?backend=webgpu"), "webgpu");
  assert.equal(requestedBackend("?a=b&backend=wasm"), "wasm");
  assert.throws(
    () => requestedBackend("?backend=webgl"),
    /\?backend=webgl: use webgpu or wasm/,
  );
});

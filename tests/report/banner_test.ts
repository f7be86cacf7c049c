import assert from "node:assert/strict";
import { bannerFor } from "../../lib/report/build.ts";

const full = {
  mode: "full",
  backend: "wasm, 1 thread",
  data:
    "CIFAR-10 binary archive /x/cifar.tar.gz (sha256 549f887a0ed2...): 5000 training and 102 validation images of category 7 (horse)",
  "data sha256": "549f887a0ed2",
  synthetic: false,
  "training images": 5000,
  "validation images": 102,
  "palette seed": 0,
};

Deno.test("the banner says the checksum and image counts once, in the data line", () => {
  const banner = bannerFor({ outDir: "r", quick: false }, full, []);
  assert.deepEqual(banner.facts, [
    "mode: full",
    "backend: wasm, 1 thread",
    `data: ${full.data}`,
    "palette seed: 0",
  ]);
});

Deno.test("the banner keeps counts the data line does not state (quick mode's caps)", () => {
  const quick = {
    ...full,
    mode: "quick",
    "training images": 200,
    "validation images": 10,
  };
  const banner = bannerFor({ outDir: "r", quick: true }, quick, []);
  assert.ok(banner.facts.includes("training images: 200"));
  assert.ok(banner.facts.includes("validation images: 10"));
  assert.ok(!banner.facts.some((f) => f.startsWith("data sha256")));
  assert.equal(banner.warnings.length, 1);
});

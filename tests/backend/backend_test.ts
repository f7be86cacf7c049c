/**
 * lib/backend.ts: the choice of backend, its overrides and fallbacks (each
 * case in a fresh child process, since tfjs initialises once), and the pure
 * helpers.
 */
import assert from "node:assert/strict";
import {
  type BackendInfo,
  describeBackend,
  type InitTfOptions,
  parseBackendName,
} from "../../lib/backend.ts";
import { classifyAdapter, probeGpu } from "../../lib/backend/webgpu.ts";

const CHILD = new URL("./fixtures/init_child.ts", import.meta.url);
const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const NPM = decodeURIComponent(
  new URL("../../../../", import.meta.resolve("@tensorflow/tfjs-backend-wasm"))
    .pathname,
);

interface ChildOut {
  info?: BackendInfo;
  sum?: number;
  backend?: string;
  error?: string;
}

/** initTf in a child with narrow permissions and the given environment. */
async function initInChild(
  opts: InitTfOptions,
  env: Record<string, string> = {},
): Promise<ChildOut> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      `--allow-read=${ROOT},${NPM}`,
      "--allow-env=COLOURLAB_BACKEND,COLOURLAB_THREADS",
      CHILD.href,
      JSON.stringify(opts),
    ],
    env: { COLOURLAB_BACKEND: "", COLOURLAB_THREADS: "", ...env },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const out = await child.output();
  clearTimeout(timer);
  const stderr = new TextDecoder().decode(out.stderr);
  assert.ok(out.success, `child failed (${out.code}): ${stderr}`);
  return JSON.parse(
    new TextDecoder().decode(out.stdout).trim().split("\n").pop()!,
  );
}

/**
 * 3x3 'same' conv of ones over a 5x5x2 image of ones: 2 channels times the
 * window sizes (9 inner pixels see 9, 12 edge pixels 6, 4 corners 4).
 */
const EXPECTED_SUM = 2 * (9 * 9 + 12 * 6 + 4 * 4);

Deno.test("initTf chooses, overrides and falls back", async (t) => {
  const gpu = await probeGpu();

  await t.step(
    "auto: WebGPU only on a real GPU, else wasm on every core",
    async () => {
      const r = await initInChild({});
      assert.equal(r.sum, EXPECTED_SUM);
      if (gpu.available && !gpu.software) {
        assert.equal(r.info?.name, "webgpu");
      } else {
        assert.equal(r.info?.name, "wasm");
        assert.equal(r.info?.threads, navigator.hardwareConcurrency);
        assert.match(r.info!.reason, /^auto: /);
        assert.ok(r.info!.ownKernels.length > 0);
      }
      assert.equal(r.info?.adapter, gpu.available ? gpu.description : "none");
    },
  );

  await t.step(
    "COLOURLAB_BACKEND=cpu and COLOURLAB_THREADS=1 override",
    async () => {
      const cpu = await initInChild({}, { COLOURLAB_BACKEND: "cpu" });
      assert.equal(cpu.backend, "cpu");
      assert.equal(cpu.info?.reason, "COLOURLAB_BACKEND");
      assert.equal(cpu.sum, EXPECTED_SUM);
      const one = await initInChild({ backend: "wasm" }, {
        COLOURLAB_THREADS: "1",
      });
      assert.equal(one.backend, "wasm");
      assert.equal(one.info?.threads, 1);
      assert.deepEqual(one.info?.fallbacks, []);
    },
  );

  await t.step("options win over the environment", async () => {
    const r = await initInChild({ backend: "cpu" }, {
      COLOURLAB_BACKEND: "wasm",
    });
    assert.equal(r.backend, "cpu");
    assert.equal(r.info?.reason, "requested");
  });

  await t.step(
    "a bad COLOURLAB_BACKEND or thread count is a clear error",
    async () => {
      const bad = await initInChild({}, { COLOURLAB_BACKEND: "tpu" });
      assert.match(bad.error ?? "", /COLOURLAB_BACKEND="tpu" is not a backend/);
      const threads = await initInChild({ backend: "wasm" }, {
        COLOURLAB_THREADS: "two",
      });
      assert.match(threads.error ?? "", /COLOURLAB_THREADS="two"/);
    },
  );

  await t.step(
    "a thread pool that does not start falls back to one thread",
    async () => {
      const r = await initInChild({
        backend: "wasm",
        threads: 2,
        threadPoolTimeoutMs: 1,
      });
      assert.equal(r.backend, "wasm");
      assert.equal(r.info?.threads, 1);
      assert.match(r.info!.fallbacks.join(), /wasm threads failed/);
      assert.equal(r.sum, EXPECTED_SUM);
    },
  );
});

Deno.test("describeBackend() is one line with the facts", () => {
  const info: BackendInfo = {
    name: "wasm",
    reason: "auto: no WebGPU adapter",
    threads: 1,
    adapter: "none",
    ownKernels: [],
    fallbacks: ["wasm threads failed: x"],
  };
  assert.equal(
    describeBackend(info),
    "wasm, 1 thread (auto: no WebGPU adapter; wasm threads failed: x)",
  );
  assert.equal(
    describeBackend({
      ...info,
      name: "webgpu",
      threads: 0,
      adapter: "NVIDIA H100",
      fallbacks: [],
    }),
    "webgpu, adapter NVIDIA H100 (auto: no WebGPU adapter)",
  );
});

Deno.test("parseBackendName() accepts the three names only", () => {
  assert.equal(parseBackendName(" WASM ", "x"), "wasm");
  assert.throws(
    () => parseBackendName("gpu", "--backend"),
    /--backend="gpu" is not a backend/,
  );
});

Deno.test("classifyAdapter() tells software adapters from GPUs", () => {
  const fake = (
    info: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) => ({ info, ...extra }) as unknown as GPUAdapter;
  assert.deepEqual(
    classifyAdapter(fake({ description: "llvmpipe (LLVM 15.0.6, 256 bits)" })),
    {
      software: true,
      description: "llvmpipe (LLVM 15.0.6, 256 bits)",
    },
  );
  assert.equal(
    classifyAdapter(fake({ description: "x", isFallbackAdapter: true }))
      .software,
    true,
  );
  assert.equal(
    classifyAdapter(fake({ description: "x" }, { isFallbackAdapter: true }))
      .software,
    true,
  );
  assert.equal(
    classifyAdapter(fake({ vendor: "google", architecture: "swiftshader" }))
      .software,
    true,
  );
  assert.deepEqual(
    classifyAdapter(
      fake({ vendor: "nvidia", description: "NVIDIA H100 80GB HBM3" }),
    ),
    { software: false, description: "NVIDIA H100 80GB HBM3" },
  );
});

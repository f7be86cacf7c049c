/**
 * Builds the live page's script: lib/browser/main.ts and everything it
 * imports from lib/ (models, forward passes, analysis, pixel arithmetic),
 * tfjs-core, tfjs-layers, the wasm and WebGPU backends, bundled by
 * `deno bundle` (esbuild) into one minified classic script (IIFE: Chromium
 * runs no module scripts from `file://` pages), preceded by tfjs's
 * single-threaded SIMD wasm binary as base64 (Chromium fetches nothing from
 * `file://`; lib/browser/page_backend.ts turns it into a `blob:` URL).
 *
 * Inside the bundle `@tensorflow/tfjs` is lib/browser/tfjs_browser.ts
 * (core and layers only), through an import map made from deno.json's.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { toBase64 } from "../io/html.ts";
import { WASM_GLOBAL } from "../browser/live_data.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The bundle's entry point. */
export const ENTRY = join(ROOT, "lib/browser/main.ts");

/** The SIMD wasm binary of the installed tfjs-backend-wasm package. */
export async function tfjsSimdWasm(): Promise<Uint8Array> {
  // The import map resolves the bare name to the package's entry point on disk.
  const main = new URL(import.meta.resolve("@tensorflow/tfjs-backend-wasm"));
  if (main.protocol !== "file:") {
    throw new Error(`tfjs-backend-wasm is not on disk (${main.href})`);
  }
  const wasm = new URL("../wasm-out/tfjs-backend-wasm-simd.wasm", main);
  return await Deno.readFile(wasm);
}

/** deno.json's import map with `@tensorflow/tfjs` pointing at the browser subset. */
async function browserImportMap(): Promise<string> {
  const config = JSON.parse(await Deno.readTextFile(join(ROOT, "deno.json")));
  const imports: Record<string, string> = {};
  for (const [name, target] of Object.entries(config.imports ?? {})) {
    const t = String(target);
    imports[name] = t.startsWith("./") ? pathToFileURL(join(ROOT, t)).href : t;
  }
  imports["@tensorflow/tfjs"] =
    pathToFileURL(join(ROOT, "lib/browser/tfjs_browser.ts")).href;
  return JSON.stringify({ imports }, null, 1);
}

/** What {@link buildLiveBundle} wrote. */
export interface LiveBundle {
  path: string;
  /** Bytes of the file: the wasm prelude plus the bundled code. */
  bytes: number;
  /** Of which the base64 wasm. */
  wasmBytes: number;
  seconds: number;
}

/**
 * Bundles the page's script into `outFile` (see the module doc). Throws
 * with the bundler's last lines when it fails.
 */
export async function buildLiveBundle(outFile: string): Promise<LiveBundle> {
  const t0 = performance.now();
  const tmp = await Deno.makeTempDir({ prefix: "colourlab-bundle-" });
  try {
    const importMap = join(tmp, "import_map.json");
    await Deno.writeTextFile(importMap, await browserImportMap());
    const code = join(tmp, "bundle.js");
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "bundle",
        "--quiet",
        "--import-map",
        importMap,
        "--platform",
        "browser",
        "--format",
        "iife",
        "--minify",
        "-o",
        code,
        ENTRY,
      ],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      const err = new TextDecoder().decode(out.stderr).trim().split("\n");
      throw new Error(`deno bundle failed:\n${err.slice(-12).join("\n")}`);
    }
    const wasm = `globalThis.${WASM_GLOBAL}="${
      toBase64(await tfjsSimdWasm())
    }";\n`;
    const text = wasm + await Deno.readTextFile(code);
    await Deno.mkdir(dirname(outFile), { recursive: true });
    await Deno.writeTextFile(outFile, text);
    return {
      path: outFile,
      bytes: new TextEncoder().encode(text).length,
      wasmBytes: wasm.length,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

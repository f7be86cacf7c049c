/**
 * `deno task live export|check|bundle --out DIR`: the report's live page.
 *
 * - `export`: obtains the trained models with the notebooks' settings
 *   (lib/report/live_models.ts; `--quick`, `--data PATH|synthetic`,
 *   `--weizmann DIR|synthetic` set them as `deno task report` does) and
 *   writes the live parts into the report folder DIR (lib/report/live_report.ts).
 *   Colourization runs missing from the run cache are left out unless
 *   `--train` is given. `deno task report` runs this after the notebooks.
 * - `check`: checks DIR's live page in headless Chromium on wasm and WebGPU
 *   against Deno (lib/report/live_check.ts), prints the sizes and timings,
 *   exits 1 on any problem. `deno task report` runs this after its
 *   browser check. `--backend wasm|webgpu` checks one.
 * - `bundle`: only builds the page's script, `DIR/live/live.js`
 *   (lib/report/live_bundle.ts).
 *
 * @module
 */
import { QUICK_CAPS } from "../run/run_all.ts";
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { initTf } from "../backend.ts";
import { describeBackend } from "../backend.ts";
import { obtainLiveModels } from "./live_models.ts";
import { writeLiveReport } from "./live_report.ts";
import { buildLiveBundle } from "./live_bundle.ts";
import { checkLivePages, type LiveCheck } from "./live_check.ts";
import { TRY_IT_PAGE } from "./live_page.ts";

const USAGE =
  "deno task live export --out DIR [--quick] [--data PATH|synthetic] " +
  "[--weizmann DIR|synthetic] [--train]\n" +
  "deno task live check --out DIR [--backend wasm|webgpu] [--screenshots DIR]\n" +
  "deno task live bundle --out DIR";

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KB`;
}

/** The numbers of a check, one line per backend and model. */
export function describeLiveCheck(check: LiveCheck): string[] {
  const lines: string[] = [];
  for (const b of check.backends) {
    const fwd = Object.entries(b.forwardMs).map(([id, ms]) =>
      `${id} ${ms!.toFixed(1)} ms`
    ).join(", ");
    const agree = Object.entries(b.agreement).map(([id, a]) =>
      `${id} max |diff| ${a!.maxAbsDiff.toExponential(1)} (tol ${
        a!.tolerance.toExponential(1)
      }), ${a!.labelMismatches}/${a!.decided} labels differ`
    ).join("; ");
    const ms = b.cells.filter((c) => c.model === "cnn").map((c) => c.ms);
    const worst = b.cells.reduce(
      (m, c) => Math.max(m, Math.abs(c.browser - c.deno)),
      0,
    );
    lines.push(
      `${b.requested}: backend ${b.backend ?? "none"} (${
        b.backendReason ?? ""
      }); first picture ${
        b.firstPictureMs?.toFixed(0) ?? "-"
      } ms after opening`,
      `  forward pass on the photo: ${fwd}`,
      `  against Deno: ${agree}`,
      `  A.4 slider updates: ${
        ms.map((m) => m.toFixed(0)).join(", ")
      } ms; relative change within ${worst.toExponential(1)} of lib/analysis`,
    );
  }
  for (const [id, a] of Object.entries(check.webgpuVsWasm)) {
    lines.push(
      `webgpu vs wasm, ${id}: max |diff| ${
        a!.maxAbsDiff.toExponential(1)
      } (tol ${a!.tolerance.toExponential(1)}), ${
        a!.labelMismatches
      } labels differ`,
    );
  }
  return lines;
}

async function main(): Promise<number> {
  const [command, ...rest] = Deno.args;
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        out: { type: "string", default: "report" },
        quick: { type: "boolean", default: false },
        data: { type: "string" },
        weizmann: { type: "string" },
        train: { type: "boolean", default: false },
        backend: { type: "string" },
        screenshots: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
    if (!["export", "check", "bundle"].includes(command)) {
      throw new Error(command ? `unknown command ${command}` : "no command");
    }
    if (values.backend && !["wasm", "webgpu"].includes(values.backend)) {
      throw new Error(`--backend ${values.backend}: use wasm or webgpu`);
    }
  } catch (e) {
    console.error(`live: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const out = resolve(values.out);
  // The notebooks' settings, as deno task report passes them to the kernels.
  if (values.quick) Deno.env.set("COLOURLAB_QUICK", "1");
  if (values.data) {
    Deno.env.set(
      "COLOURLAB_DATA",
      values.data === "synthetic" ? "synthetic" : resolve(values.data),
    );
  }
  if (values.weizmann) {
    Deno.env.set(
      "COLOURLAB_WEIZMANN",
      values.weizmann === "synthetic" ? "synthetic" : resolve(values.weizmann),
    );
  }
  if (command === "bundle") {
    const b = await buildLiveBundle(join(out, "live", "live.js"));
    console.log(
      `live: ${b.path}: ${kb(b.bytes)} (wasm ${kb(b.wasmBytes)}) in ${
        b.seconds.toFixed(1)
      } s`,
    );
    return 0;
  }
  console.log(`live: backend ${describeBackend(await initTf())}`);
  if (command === "export") {
    await Deno.mkdir(out, { recursive: true });
    const input = await obtainLiveModels({
      train: values.train,
      onLine: (line) => console.log(`live: ${line}`),
    });
    const quick = Deno.env.get("COLOURLAB_QUICK") === "1";
    const r = await writeLiveReport(out, input, {
      warnings: quick
        ? [
          `Quick mode: models trained on at most ${QUICK_CAPS.limitTrain} images for ${QUICK_CAPS.numEpochs} epochs`,
        ]
        : [],
      facts: [],
      indexHref: "index.html",
    });
    console.log(
      `live: ${r.page}: added ${kb(r.addedBytes)} (bundle ${
        kb(r.bundle.bytes)
      } of which wasm ${kb(r.bundle.wasmBytes)}, data.js ${
        kb(r.exported.dataBytes)
      }, tfjs-format models ${kb(r.exported.modelBytes)}); notebook pages: ${
        r.notebookPages.join(", ") || "none"
      }`,
    );
    return 0;
  }
  try {
    await Deno.stat(join(out, TRY_IT_PAGE));
  } catch {
    console.error(`live: no ${TRY_IT_PAGE} in ${out} (run live export first)`);
    return 1;
  }
  const check = await checkLivePages(out, {
    screenshotsDir: values.screenshots ?? join(out, "screenshots"),
    backends: values.backend
      ? [values.backend as "wasm" | "webgpu"]
      : undefined,
  });
  for (const line of describeLiveCheck(check)) console.log(`live: ${line}`);
  for (const p of check.problems) console.error(`live: FAILED ${p}`);
  return check.problems.length ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main());

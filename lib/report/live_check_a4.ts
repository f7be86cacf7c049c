/**
 * The A.4 part of the live page's check: on notebook 03's page, set a, b
 * and the BatchNorm statistics with the page's controls and compare the
 * relative change of the logits with what lib/analysis computes in Deno.
 *
 * @module
 */
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { IDS, type LiveData } from "../browser/live_data.ts";
import { CHANGE_TOLERANCE, type DenoModels } from "./live_compare.ts";
import {
  nextResult,
  openLivePage,
  ready,
  STATE,
  state,
} from "./live_driver.ts";
import type { BackendCheck } from "./live_check.ts";

/** The A.4 cells the check sets with the sliders (on wasm). */
export const CHECKED_CELLS = [
  { a: 2, b: 0, mode: "training" },
  { a: -1, b: 0, mode: "training" },
  { a: 1, b: 0.5, mode: "training" },
  { a: 2, b: 0, mode: "inference" },
  { a: 0.5, b: -0.25, mode: "inference" },
] as const;

/**
 * On WebGPU: one cell per BatchNorm mode. SwiftShader, the only WebGPU
 * here, takes seconds per update (a CPU emulating a GPU).
 */
export const WEBGPU_CELLS = [CHECKED_CELLS[0], CHECKED_CELLS[4]] as const;

/** One A.4 cell as the browser and lib/analysis saw it. */
export interface CellCheck {
  a: number;
  b: number;
  mode: string;
  model: string;
  browser: number;
  deno: number;
  /** Milliseconds of the page's update (slider event to pictures drawn). */
  ms: number;
}

/** Notebook 03's page: move the sliders, compare with lib/analysis. */
export async function checkScaleShift(
  check: BackendCheck,
  reportDir: string,
  data: LiveData,
  deno: DenoModels,
  context: BrowserContext,
  timeout: number,
  shot: (page: Page, name: string) => Promise<void>,
): Promise<void> {
  const name = [...Deno.readDirSync(reportDir)].map((e) => e.name)
    .find((n) => /^03_[\w-]+\.html$/.test(n));
  if (!name) return; // a report without notebook 03
  const page = await openLivePage(
    context,
    join(reportDir, name),
    check.requested,
    check.problems,
  );
  const s = await ready(page, timeout);
  if (s.error !== undefined) {
    check.problems.push(`${name}: the page failed: ${s.error}`);
    return;
  }
  const cells = check.requested === "webgpu" ? WEBGPU_CELLS : CHECKED_CELLS;
  for (const cell of cells) {
    // The switch and both sliders set, then one "input" event, as a drag
    // ends: one update to wait for and time.
    const after = await nextResult(page, async () => {
      await page.evaluate(`(() => {
        document.querySelector('input[name="${IDS.statsMode}"][value="${cell.mode}"]').checked = true;
        document.getElementById("${IDS.scaleB}").value = "${cell.b}";
        const a = document.getElementById("${IDS.scaleA}");
        a.value = "${cell.a}";
        a.dispatchEvent(new Event("input", { bubbles: true }));
      })()`);
    }, timeout);
    await page.waitForFunction(
      `(() => { const r = ${STATE}.scaleShift; return r && r.a === ${cell.a} && r.b === ${cell.b} && r.mode === "${cell.mode}"; })()`,
      undefined,
      { timeout },
    );
    const r = (await state(page)).scaleShift ?? after.scaleShift!;
    for (const id of ["cnn", "unet"] as const) {
      const got = r.models[id];
      if (!data.models[id]) continue;
      if (!got) {
        check.problems.push(`${name}: no ${id} result for a=${cell.a}`);
        continue;
      }
      const want = await deno.relativeChange(
        join(reportDir, "live", "models", id),
        data.validation,
        cell,
      );
      check.cells.push({
        ...cell,
        model: id,
        browser: got.relativeChange,
        deno: want,
        ms: r.ms,
      });
      if (!(Math.abs(got.relativeChange - want) <= CHANGE_TOLERANCE)) {
        check.problems.push(
          `${name}: ${id} a=${cell.a} b=${cell.b} ${cell.mode}: relative change ${got.relativeChange} in the browser, ${want} in lib/analysis`,
        );
      }
    }
  }
  await shot(page, "a4");
  await page.close();
}

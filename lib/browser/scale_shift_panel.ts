/**
 * Part A.4 live (notebook 03's page): sliders for the scale a and shift b
 * applied to every input pixel, y = a*x + b, and a switch between BatchNorm
 * with batch statistics and with running statistics. As the reader drags,
 * the CNN's and the UNet's colours for a few validation images and the
 * relative change of their logits update, computed as the notebook does
 * (lib/analysis: `forward` for batch statistics, the folded eval plan for
 * running statistics, `logitChange` for the numbers). The few images are one
 * batch, so batch statistics are over them: the numbers differ from the
 * notebook's, whose batch is larger.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { logitChange } from "../analysis/scale_shift_sweep.ts";
import { type BnMode, forward } from "../analysis/predict.ts";
import { paletteToRgb } from "../data/palette.ts";
import { toBytes, upsampleNearest } from "../colourize_pixels.ts";
import {
  base64ToBytes,
  base64ToFloats,
  IDS,
  type LiveState,
  type LiveValidation,
  type ScaleShiftResult,
} from "./live_data.ts";
import type { PageModel } from "./page_models.ts";
import { rawToCanvas } from "./photo.ts";

/** Shown size of each 32x32 image (nearest-neighbour upscaled). */
const SHOWN = 96;

function element<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

/** RGB bytes of `count` images side by side, each upscaled to SHOWN px. */
function strip(
  rgb: Uint8Array,
  count: number,
  size: { height: number; width: number },
): HTMLCanvasElement {
  const per = size.height * size.width * 3;
  const data = new Uint8Array(count * SHOWN * SHOWN * 3);
  for (let i = 0; i < count; i++) {
    const big = upsampleNearest(
      {
        data: rgb.subarray(i * per, (i + 1) * per),
        width: size.width,
        height: size.height,
        channels: 3,
      },
      SHOWN,
      SHOWN,
    );
    for (let y = 0; y < SHOWN; y++) {
      data.set(
        big.data.subarray(y * SHOWN * 3, (y + 1) * SHOWN * 3),
        (y * count * SHOWN + i * SHOWN) * 3,
      );
    }
  }
  return rawToCanvas({
    data,
    width: count * SHOWN,
    height: SHOWN,
    channels: 3,
  });
}

/** The A.4 panel. */
export class ScaleShiftPanel {
  private readonly xs: tf.Tensor4D;
  private readonly labels: Uint8Array;
  private readonly bases = new Map<string, tf.Tensor4D>();
  private pending = false;
  private running = false;
  private requestedAt = 0;

  constructor(
    private readonly models: { cnn?: PageModel; unet?: PageModel },
    private readonly validation: LiveValidation,
    private readonly state: LiveState,
    private readonly onResult: () => void,
  ) {
    const v = validation;
    this.xs = tf.tensor4d(base64ToFloats(v.grey), [
      v.count,
      v.height,
      v.width,
      1,
    ]);
    this.labels = base64ToBytes(v.labels);
  }

  /** Draws the originals and wires the sliders and the switch. */
  wire(): void {
    const v = this.validation;
    const out = element<HTMLElement>(IDS.scaleShiftOut);
    out.replaceChildren();
    const row = (label: string, name: string, canvas?: HTMLCanvasElement) => {
      const div = document.createElement("div");
      div.className = "live-row";
      div.dataset.name = name;
      const cap = document.createElement("div");
      cap.className = "live-row-label";
      cap.textContent = label;
      div.append(cap);
      if (canvas) div.append(canvas);
      out.append(div);
    };
    row(
      "original",
      "original",
      strip(base64ToBytes(v.rgb), v.count, v),
    );
    for (const id of ["cnn", "unet"] as const) {
      if (this.models[id]) row(id === "cnn" ? "CNN" : "UNet", id);
    }
    for (const id of [IDS.scaleA, IDS.scaleB]) {
      element<HTMLInputElement>(id).addEventListener(
        "input",
        () => this.request(),
      );
    }
    for (
      const radio of document.querySelectorAll<HTMLInputElement>(
        `input[name="${IDS.statsMode}"]`,
      )
    ) {
      radio.addEventListener("change", () => this.request());
    }
  }

  /** Asks for an update; while one runs, the latest request waits. */
  request(): Promise<void> {
    this.requestedAt = performance.now();
    this.pending = true;
    return this.drain();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.pending) {
        this.pending = false;
        await this.update(this.requestedAt);
      }
    } finally {
      this.running = false;
    }
  }

  private settings(): { a: number; b: number; mode: BnMode } {
    const a = Number(element<HTMLInputElement>(IDS.scaleA).value);
    const b = Number(element<HTMLInputElement>(IDS.scaleB).value);
    const checked = document.querySelector<HTMLInputElement>(
      `input[name="${IDS.statsMode}"]:checked`,
    );
    const mode: BnMode = checked?.value === "inference"
      ? "inference"
      : "training";
    return { a, b, mode };
  }

  /** Logits of `xs` for one model in one BatchNorm mode, as lib/analysis runs it. */
  private logits(m: PageModel, xs: tf.Tensor4D, mode: BnMode): tf.Tensor4D {
    // Running statistics: the page's compiled plan, the one `forward`
    // compiles for each call.
    return mode === "inference"
      ? m.plan.apply(xs) as tf.Tensor4D
      : forward(m.model, xs, "training");
  }

  private base(m: PageModel, mode: BnMode): tf.Tensor4D {
    const key = `${m.id}/${mode}`;
    let base = this.bases.get(key);
    if (!base) {
      base = this.logits(m, this.xs, mode);
      this.bases.set(key, base);
    }
    return base;
  }

  private async update(since: number): Promise<void> {
    const { a, b, mode } = this.settings();
    element<HTMLElement>(IDS.scaleAValue).textContent = a.toFixed(2);
    element<HTMLElement>(IDS.scaleBValue).textContent = b.toFixed(2);
    const result: ScaleShiftResult = { a, b, mode, ms: 0, models: {} };
    const v = this.validation;
    for (const id of ["cnn", "unet"] as const) {
      const m = this.models[id];
      if (!m?.palette) continue;
      const t0 = performance.now();
      const ys = tf.tidy(() =>
        this.logits(m, tf.add(tf.mul(this.xs, a), b) as tf.Tensor4D, mode)
      );
      const t1 = performance.now();
      let c;
      try {
        c = await logitChange(ys, this.base(m, mode), this.labels);
      } finally {
        ys.dispose();
      }
      const colours = toBytes(
        paletteToRgb(Uint8Array.from(c.predicted), m.palette),
      );
      const row = document.querySelector<HTMLElement>(
        `#${IDS.scaleShiftOut} .live-row[data-name="${id}"]`,
      );
      if (row) {
        row.replaceChildren(row.firstChild!, strip(colours, v.count, v));
        const label = row.firstChild as HTMLElement;
        label.textContent = `${
          id === "cnn" ? "CNN" : "UNet"
        }: relative change ${c.relativeChange.toPrecision(3)}, ${
          (100 * c.agreement).toFixed(0)
        }% same colour, accuracy ${(100 * c.accuracy).toFixed(1)}%`;
      }
      result.models[id] = {
        relativeChange: c.relativeChange,
        maxChange: c.maxChange,
        agreement: c.agreement,
        accuracy: c.accuracy,
        ms: performance.now() - t0,
        forwardMs: t1 - t0,
      };
    }
    result.ms = performance.now() - since;
    element<HTMLElement>(IDS.scaleShiftMs).textContent = `updated in ${
      result.ms.toFixed(0)
    } ms (both networks)`;
    this.state.scaleShift = result;
    this.onResult();
  }
}

/**
 * The "try it on your own picture" panel: the reader's photo (or, at start,
 * a validation horse) colourized by the CNN and the UNet side by side, as
 * `deno task colourize` does it (stretched to the models' 32x32 input, grey =
 * mean of R, G, B; the predicted chroma added to the photo's own grey), and
 * segmented by Part C's fine-tuned network (stretched to the size it trained
 * at, the horse probability scaled back up bilinearly) with a threshold
 * slider and the foreground share.
 *
 * @module
 */
import {
  colourizeFromLabels,
  greyOf,
  modelInputOf,
  type RawImage,
} from "../colourize_pixels.ts";
import type { LiveState, ModelResult } from "./live_data.ts";
import { IDS, WORKING_MAX } from "./live_data.ts";
import { decodePhoto, fitWithin, rawToCanvas, resizeToRgb } from "./photo.ts";
import { type GreyRun, type PageModel, runOnGrey } from "./page_models.ts";
import {
  foregroundShare,
  horseProbability,
  maskOverlay,
  type SegmentView,
} from "./mask.ts";

/** A picture source the page can resize: an ImageBitmap or a canvas. */
type Source = CanvasImageSource & { width: number; height: number };

/** The models this panel uses (any may be missing: its figure says so). */
export interface TryItModels {
  cnn?: PageModel;
  unet?: PageModel;
  segmenter?: PageModel;
  pretrained?: PageModel;
}

function element<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

/** A captioned canvas, appended to `parent`. */
function figure(
  parent: HTMLElement,
  canvas: HTMLCanvasElement,
  caption: string,
  opts: { pixelated?: boolean; name?: string } = {},
): void {
  const fig = document.createElement("figure");
  if (opts.name) fig.dataset.name = opts.name;
  canvas.className = opts.pixelated ? "live-pic pixelated" : "live-pic";
  const cap = document.createElement("figcaption");
  cap.textContent = caption;
  fig.append(canvas, cap);
  parent.append(fig);
}

function exposed(run: GreyRun): ModelResult {
  return {
    ms: run.ms,
    labels: Array.from(run.labels),
    logits: Array.from(run.logits),
  };
}

/** The panel: wire its controls, show the sample, then follow the reader. */
export class TryItPanel {
  private segmentView?: SegmentView;
  private busy: Promise<void> = Promise.resolve();

  constructor(
    private readonly models: TryItModels,
    private readonly state: LiveState,
    private readonly onResult: () => void,
  ) {}

  /** Wires the file input, the drop zone and the threshold slider. */
  wire(): void {
    const input = element<HTMLInputElement>(IDS.fileInput);
    input.addEventListener("change", () => {
      const file = input.files?.[0];
      if (file) this.enqueue(() => this.showFile(file));
    });
    const drop = element<HTMLElement>(IDS.dropZone);
    drop.addEventListener("dragover", (e) => {
      e.preventDefault();
      drop.classList.add("over");
    });
    drop.addEventListener("dragleave", () => drop.classList.remove("over"));
    drop.addEventListener("drop", (e) => {
      e.preventDefault();
      drop.classList.remove("over");
      const file = e.dataTransfer?.files?.[0];
      if (file) this.enqueue(() => this.showFile(file));
    });
    const slider = element<HTMLInputElement>(IDS.threshold);
    slider.addEventListener("input", () => this.redrawMask());
  }

  /** Runs one job after the previous (photos are handled in order). */
  enqueue(job: () => Promise<void>): Promise<void> {
    this.busy = this.busy.then(job, job);
    return this.busy;
  }

  private say(text: string, isError = false): void {
    const el = element<HTMLElement>(IDS.message);
    el.textContent = text;
    el.className = isError ? "live-message error" : "live-message";
    this.state.message = text;
  }

  /** A file from the reader: decode, or say why not. */
  async showFile(file: File): Promise<void> {
    let bitmap: ImageBitmap;
    try {
      bitmap = await decodePhoto(file, file.name);
    } catch (e) {
      this.say((e as Error).message, true);
      this.onResult();
      return;
    }
    try {
      await this.show(bitmap, file.name);
    } finally {
      bitmap.close();
    }
  }

  /** Colourizes and segments `source` (a decoded photo or the sample). */
  async show(source: Source, name: string): Promise<void> {
    const photo = { width: source.width, height: source.height };
    const size = fitWithin(photo.width, photo.height, WORKING_MAX);
    const working = resizeToRgb(source, size.width, size.height);
    const scaled = size.width !== photo.width || size.height !== photo.height;
    this.say(
      `${name}: ${photo.width}x${photo.height}` +
        (scaled ? `, scaled down to ${size.width}x${size.height}` : ""),
    );
    await this.colourize(source, name, photo, working);
    await this.segment(source, name, working);
    this.onResult();
  }

  private async colourize(
    source: Source,
    name: string,
    photo: { width: number; height: number },
    working: RawImage,
  ): Promise<void> {
    const out = element<HTMLElement>(IDS.colourizeOut);
    out.replaceChildren();
    figure(out, rawToCanvas(greyOf(working)), "what the networks see: grey");
    const first = this.models.cnn ?? this.models.unet;
    if (!first) {
      out.append("No colourization model in this report.");
      return;
    }
    const { height, width } = first.inputSize;
    const input = modelInputOf(resizeToRgb(source, width, height));
    const result: LiveState["colourize"] = {
      source: name,
      photo,
      working: { width: working.width, height: working.height },
      input: Array.from(input),
      inputSize: { height, width },
      models: {},
    };
    const small = document.createElement("div");
    small.className = "live-small";
    for (const id of ["cnn", "unet"] as const) {
      const m = this.models[id];
      if (!m?.palette) continue;
      const run = await runOnGrey(m, input);
      const { prediction, colourized } = colourizeFromLabels(
        working,
        run.labels,
        m.palette,
        { width, height },
        "luminance",
      );
      figure(
        out,
        rawToCanvas(colourized),
        `${id === "cnn" ? "CNN" : "UNet"} (${run.ms.toFixed(1)} ms)`,
        { name: id },
      );
      figure(
        small,
        rawToCanvas(prediction),
        `${id === "cnn" ? "CNN" : "UNet"} output, ${width}x${height}`,
        { pixelated: true },
      );
      result.models[id] = exposed(run);
    }
    out.append(small);
    this.state.colourize = result;
  }

  private async segment(
    source: Source,
    name: string,
    working: RawImage,
  ): Promise<void> {
    const out = element<HTMLElement>(IDS.segmentOut);
    out.replaceChildren();
    const m = this.models.segmenter;
    if (!m) {
      out.append("No segmentation model in this report.");
      return;
    }
    const { height, width } = m.inputSize;
    const input = modelInputOf(resizeToRgb(source, width, height));
    const run = await runOnGrey(m, input);
    this.segmentView = {
      working,
      probability: horseProbability(run.logits),
      size: width,
    };
    const threshold = this.threshold();
    figure(
      out,
      rawToCanvas(maskOverlay(this.segmentView, threshold)),
      `horse mask (${run.ms.toFixed(1)} ms)`,
      { name: "mask" },
    );
    const pre = this.models.pretrained;
    if (pre?.palette) {
      const own = await runOnGrey(pre, input);
      const { colourized } = colourizeFromLabels(
        working,
        own.labels,
        pre.palette,
        { width, height },
        "luminance",
      );
      figure(
        out,
        rawToCanvas(colourized),
        `the pre-trained body's own task: colourization (${
          own.ms.toFixed(1)
        } ms)`,
      );
    }
    this.state.segment = {
      source: name,
      input: Array.from(input),
      inputSize: { height, width },
      segmenter: exposed(run),
      threshold,
      foregroundShare: foregroundShare(this.segmentView.probability, threshold),
    };
    this.showShare();
  }

  private threshold(): number {
    return Number(element<HTMLInputElement>(IDS.threshold).value);
  }

  private showShare(): void {
    const s = this.state.segment;
    if (!s) return;
    element<HTMLElement>(IDS.thresholdValue).textContent = s.threshold
      .toFixed(2);
    element<HTMLElement>(IDS.share).textContent = `${
      (100 * s.foregroundShare).toFixed(1)
    }% of the ${s.inputSize.width}x${s.inputSize.height} pixels are horse`;
  }

  /** The threshold slider moved: redraw the mask, no forward pass. */
  private redrawMask(): void {
    const view = this.segmentView;
    const s = this.state.segment;
    if (!view || !s) return;
    s.threshold = this.threshold();
    s.foregroundShare = foregroundShare(view.probability, s.threshold);
    const fig = document.querySelector(
      `#${IDS.segmentOut} figure[data-name="mask"] canvas`,
    );
    fig?.replaceWith(
      Object.assign(rawToCanvas(maskOverlay(view, s.threshold)), {
        className: "live-pic",
      }),
    );
    this.showShare();
    this.onResult();
  }
}

/**
 * colourlab's public API for the notebooks: a few namespaces by idea.
 *
 * ```ts
 * import { analysis, data, initTf, plots, show, train } from "../lib/mod.ts";
 * ```
 *
 * - `data`: the CIFAR-10 horses and their palette, the Weizmann horses;
 * - `models`: the handout's CNN and UNet, Part C's network;
 * - `train`: trains or loads a notebook's runs (`train.runAll`), the settings;
 * - `show`: Markdown, tables, figures, images, live progress, the report's records;
 * - `plots`: the figures;
 * - `analysis`: what the notebooks measure (Parts A and B);
 * - `finetune`: Part C's study;
 * - `initTf`: picks the backend (WebGPU, wasm with threads, cpu) once.
 *
 * @module
 */
import * as analysis from "./analysis/mod.ts";
import * as data from "./data/mod.ts";
import * as finetune from "./finetune/mod.ts";
import * as models from "./models/mod.ts";
import * as plots from "./plots.ts";
import * as train from "./run/mod.ts";
import * as show from "./show/mod.ts";

export { analysis, data, finetune, models, plots, show, train };
export { type BackendInfo, describeBackend, initTf } from "./backend.ts";

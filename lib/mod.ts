/**
 * colourlab's public API: everything a notebook imports, from one module.
 *
 * ```ts
 * import { experimentSettings, initTf, loadExperimentData, trainOrLoad } from "../lib/mod.ts";
 * ```
 *
 * Names that two modules share are re-exported under one name only: the
 * fine-tuning study's `fitLine` as `fitCostLine`, its `gatherBatch` as
 * `gatherPixelBatch`.
 *
 * @module
 */

// set-up
export * from "./config.ts";
export * from "./random.ts";
export * from "./backend.ts";

// data
export * from "./data/types.ts";
export * from "./data/errors.ts";
export * from "./data/cifar.ts";
export * from "./data/synthetic.ts";
export * from "./data/palette.ts";
export * from "./data/batches.ts";
export * from "./data/weizmann.ts";

// models and training
export * from "./models/batch_norm.ts";
export * from "./models/conv_blocks.ts";
export * from "./models/cnn.ts";
export * from "./models/unet.ts";
export * from "./models/resample.ts";
export * from "./models/inference.ts";
export * from "./train/types.ts";
export * from "./train/loss.ts";
export * from "./train/evaluate.ts";
export * from "./train/checkpoint.ts";
export * from "./train/fit.ts";
export * from "./train/progress.ts";
export * from "./train/adam.ts";

// display and figures
export * from "./notebook.ts";
export * from "./plots.ts";
export * from "./io/images.ts";
export * from "./io/file_handler.ts";
export * from "./colourize.ts";

// experiments and analysis (Parts A and B)
export * from "./experiments/settings.ts";
export * from "./experiments/experiment_data.ts";
export * from "./experiments/train_runs.ts";
export * from "./experiments/definitions.ts";
export * from "./analysis/accounting.ts";
export * from "./analysis/accounting_tables.ts";
export * from "./analysis/colour_stats.ts";
export * from "./analysis/colour_report.ts";
export * from "./analysis/predict.ts";
export * from "./analysis/scale_shift.ts";
export * from "./analysis/scale_shift_figures.ts";
export * from "./analysis/sample_grid.ts";
export * from "./analysis/batch_size.ts";
export * from "./analysis/run_table.ts";

// fine-tuning (Part C)
export * from "./models/deeplab.ts";
export * from "./finetune/fine_tune.ts";
export * from "./finetune/metrics.ts";
export * from "./finetune/pretrain.ts";
export * from "./finetune/segmentation_data.ts";
export * from "./finetune/synthetic_shapes.ts";
export * from "./finetune/cost_study.ts";
export * from "./finetune/experiment.ts";
export * from "./finetune/pictures.ts";
export {
  type CostSlope,
  fitCostSlopes,
  fitLine as fitCostLine,
  type LineFit,
  type SizeRatio,
  sizeRatios,
} from "./finetune/cost_fit.ts";
export * from "./finetune/study.ts";
export * from "./finetune/study_views.ts";
export * from "./finetune/cost_answer.ts";

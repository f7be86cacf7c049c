/**
 * The `finetune` namespace: Part C's experiment (the pre-training, the
 * fine-tuning variants and seeds, the cost study's grid), the runs it stands
 * for, quick mode's version of it, and the cost study that measures beside
 * the runs.
 *
 * @module
 */
export {
  type CostSpec,
  type Experiment,
  runInputs,
  variantName,
  type VariantSpec,
} from "./experiment.ts";
export { forMode, studyContext as context } from "./settings.ts";
export { type CostProgress, type CostResult, costStudy } from "./cost_run.ts";
export { costProgress } from "./cost_progress.ts";

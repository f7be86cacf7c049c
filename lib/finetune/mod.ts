/**
 * The `finetune` namespace: Part C's study (pre-training, fine-tuning
 * variants, the cost of one step) and its views.
 *
 * @module
 */
export { costAnswer } from "./cost_answer.ts";
export { fitCostSlopes, sizeRatios } from "./cost_fit.ts";
export { type Variant, VARIANTS } from "./fine_tune.ts";
export {
  runFineTuneStudy as study,
  type StudyOptions,
  type StudyResult,
} from "./study.ts";
export {
  costPoints,
  costRows,
  fineTuneHeadline,
  studyContext,
  variantRows,
} from "./study_views.ts";

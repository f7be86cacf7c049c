/**
 * The `analysis` namespace: what the notebooks measure on trained models
 * and runs (Parts A, B and C).
 *
 * @module
 */
export {
  accountingAnswer,
  type AccountingExperiment,
  accountingFormulas,
  accountingStudy,
} from "./accounting.ts";
export {
  accountingFindings,
  accountingHeadline,
  accountingTable,
  factorBars,
  layerRows,
  layerShareBars,
} from "./accounting_findings.ts";
export {
  type BatchSizeGroup,
  batchSizeRuns,
  type BatchSizeStudy,
  batchSizeStudy,
  type BatchSizeSweep,
} from "./batch_size.ts";
export {
  batchSizeCurves,
  batchSizeDots,
  batchSizeRows,
  batchSizeTimeDots,
  batchSizeUpdates,
} from "./batch_size_views.ts";
export {
  batchSizeAnswer,
  batchSizeFindings,
  batchSizeHeadlines,
  batchSizeSetting,
} from "./batch_size_findings.ts";
export {
  type ColourReport,
  describeColourReport,
  modelColourReport,
  paletteSwatches,
  usageRows,
} from "./colour_report.ts";
export {
  colourizedGrid,
  colourizedRows,
  firstSeedModels,
} from "./sample_grid.ts";
export {
  type ScaleShiftExperiment,
  type ScaleShiftStudy,
  scaleShiftStudy,
} from "./scale_shift.ts";
export {
  borderRatios,
  scaleShiftAnswer,
  scaleShiftFindings,
  scaleShiftHeadline,
  scaleShiftRows,
} from "./scale_shift_findings.ts";
export {
  scaleShiftAccuracy,
  scaleShiftBorderCells,
  scaleShiftCells,
  scaleShiftPictures,
} from "./scale_shift_figures.ts";
export {
  baselineRows,
  colourizationAnswer,
  colourizationFindings,
  colourizationStudy,
  colourShares,
  nearGreyNote,
} from "./colourization.ts";
export { greyLookup } from "./lookup.ts";
export { referenceLine, REFERENCES } from "./references.ts";
export {
  type FineTuningStudy,
  fineTuningStudy,
  type VariantScores,
} from "./fine_tuning.ts";
export {
  fineTuningAnswer,
  fineTuningFindings,
  fineTuningHeadline,
  fineTuningRows,
} from "./fine_tuning_findings.ts";
export {
  costAnswer,
  costFindings,
  costHeadlines,
  costRows,
  type CostStudy,
  costStudy,
} from "./fine_tuning_cost.ts";
export {
  costFigure,
  maskFigure,
  scoreFigure,
  sizeFigure,
} from "./fine_tuning_figures.ts";
export {
  skipCurves,
  skipDots,
  type SkipGroup,
  skipRows,
  skipSetting,
  type SkipStudy,
  skipStudy,
} from "./skip_connections.ts";
export { skipAnswer, skipFindings, skipHeadlines } from "./skip_findings.ts";

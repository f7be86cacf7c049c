/**
 * The `analysis` namespace: what the notebooks measure on trained models
 * and runs (Parts A and B).
 *
 * @module
 */
export {
  CNN_FORMULA_TEXT,
  cnnFormulas,
  cnnLayerFormulas,
  measureModel,
  studentFormulas,
} from "./accounting.ts";
export {
  accountingAnswer,
  accountingRows,
  layerTableRows,
  studentDisagreement,
} from "./accounting_tables.ts";
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
  analysisBatch,
  changeMap,
  scaleShiftAnswer,
  scaleShiftSweep,
  sweepCell,
} from "./scale_shift.ts";
export {
  borderProfiles,
  mapRows,
  sweepMatrix,
  transformedRows,
} from "./scale_shift_figures.ts";
export {
  baselineRows,
  colourizationAnswer,
  colourizationFindings,
  colourizationStudy,
  colourShares,
} from "./colourization.ts";
export { greyLookup } from "./lookup.ts";
export { referenceLine, REFERENCES } from "./references.ts";
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

/**
 * The `train` namespace: what a notebook needs to train or load its runs.
 *
 * @module
 */
export {
  type ColourizationConfig,
  type ColourizationInput,
  type RunConfig,
  type RunInput,
  runLabel,
  type SegmentationConfig,
  type SegmentationInput,
} from "./config.ts";
export { loadRun, type Run } from "./load.ts";
export {
  QUICK_CAPS,
  runAll,
  type RunAllOptions,
  RunsInterrupted,
  type RunsState,
} from "./run_all.ts";
export { describeRun, findHandoutRun, handoutConfig } from "./find.ts";
export {
  describeSettings,
  type ExperimentSettings,
  experimentSettings as settings,
  settingsContext,
} from "./settings.ts";

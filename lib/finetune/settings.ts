/**
 * What the environment decides for Part C: the experiment as this mode runs
 * it (quick mode keeps less, and says so) and the facts its page states,
 * including which data were synthetic (the report's alarms read them).
 *
 * @see notebooks/06_fine_tuning.ipynb
 * @module
 */
import type { BackendInfo } from "../backend.ts";
import type { ExperimentData } from "../data/horses.ts";
import type { SegmentationData } from "../data/weizmann.ts";
import type { RunContext } from "../show/records.ts";
import { type ExperimentSettings, settingsContext } from "../run/settings.ts";
import { type Experiment, quickExperiment } from "./experiment.ts";

/** The experiment to run in this mode; `note` says what quick mode changed. */
export function forMode(
  experiment: Experiment,
  settings: Pick<ExperimentSettings, "quick">,
): { experiment: Experiment; note?: string } {
  return settings.quick ? quickExperiment(experiment) : { experiment };
}

/** The page's facts: the colourization data's, then the photos' and Part C's mode. */
export function studyContext(
  settings: ExperimentSettings,
  backend: BackendInfo,
  horses: ExperimentData,
  photos: SegmentationData,
  note?: string,
): RunContext {
  return {
    ...settingsContext(settings, backend, horses.data),
    "pre-training synthetic": horses.data.source.synthetic,
    "segmentation data": photos.source.description,
    "segmentation synthetic": photos.source.synthetic,
    ...(note ? { "Part C": note } : {}),
  };
}

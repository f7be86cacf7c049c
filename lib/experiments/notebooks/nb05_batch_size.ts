/** notebooks/05_batch_size.ipynb: Part B.4. @module */
import { code, md, type NotebookSource } from "./cells.ts";

export const notebook: NotebookSource = {
  file: "05_batch_size.ipynb",
  cells: [
    md(`
      # 05 · Batch size (Part B.4)

      **Question:** retrain the UNet with several batch sizes for the same number of epochs: what happens
      to the training and validation loss, and to the output images?

      A fixed number of epochs means every run sees every image equally often, but a batch of B images
      makes ceil(N / B) updates per epoch: batch 10 makes 50 times as many updates as batch 500. So we also
      plot the validation loss against the number of updates, the contrast with a fixed number of updates.
      With \`COLOURLAB_SEEDS=0,1,2\` (quick mode: two seeds at batch 100) batch sizes 50, 100 and 200 are
      also run with the extra seeds, to show how much of a difference is noise: the shared data set has only
      102 validation horses.`),
    code(`
      import {
        barChart, batchSizeAnswer, batchSizeRows, batchSizeSpecs, colourizedRows, commonUpdates, describeRun,
        describeSettings, experimentSettings, finalEpochTable, fixedUpdatesRows, imageGrid, initTf, lineChart, liveProgress,
        loadExperimentData, lossByUpdates, lossCurves, recordContext, recordHeadline, REFERENCES,
        settingsContext, showImage, showMarkdown, showPlot, showTable, specLabel, trainData, trainOrLoadAll,
      } from "../lib/mod.ts";
      const backend = await initTf();`),
    code(`
      const settings = experimentSettings();
      const exp = await loadExperimentData(settings);
      await showMarkdown(describeSettings(settings, backend, exp.data));
      await recordContext(settingsContext(settings, backend, exp.data));
      const td = trainData(exp, settings);
      const trainImages = td.trainY.length / (td.height * td.width);`),
    code(`
      const runs = await trainOrLoadAll(batchSizeSpecs(settings), {
        ...exp, progress: liveProgress, label: specLabel, onRun: (run) => showMarkdown(describeRun(run)),
      });
      const sweep = runs.map((r) => ({ batchSize: r.config.batchSize, seed: r.config.seed, trainImages, history: r.history }));
      const main = runs.filter((r) => r.config.seed === settings.seed);
      const table = finalEpochTable(sweep);`),
    code(`
      const series = main.map((r) => ({ name: \`batch \${r.config.batchSize}\`, history: r.history }));
      await showPlot(lossCurves(series, { title: "UNet: loss per epoch by batch size", subtitle: \`lr 0.001, seed \${settings.seed}, \${trainImages} training images\` }));
      await showTable(batchSizeRows(table), { caption: "Final epoch by batch size: mean (min-max over seeds)" });
      await showPlot(barChart(table.map((r) => ({ label: String(r.batchSize), value: r.valLoss.mean, low: r.valLoss.min, high: r.valLoss.max })), {
        title: "Final validation loss by batch size", subtitle: "whiskers: min and max over seeds where several were run",
        xLabel: "batch size", yLabel: "validation cross-entropy", digits: 3,
      }));`),
    code(`
      await showPlot(barChart(table.map((r) => ({ label: String(r.batchSize), value: r.secondsPerEpoch })), {
        title: "Seconds per epoch by batch size", subtitle: \`backend \${backend.name}; shared machine, timings approximate\`,
        xLabel: "batch size", yLabel: "seconds per epoch", digits: 3,
      }));
      await showPlot(lineChart(main.flatMap((r) => lossByUpdates(sweep[runs.indexOf(r)]).map((p) => ({ ...p, series: \`batch \${r.config.batchSize}\` }))), {
        title: "Validation loss against the number of updates", subtitle: "one point per epoch: equal x means an equal number of optimizer steps",
        xLabel: "optimizer updates (log scale)", yLabel: "validation cross-entropy", logX: true,
      }));
      const updates = commonUpdates(sweep);
      await showTable(fixedUpdatesRows(sweep, updates), { caption: \`The same number of updates (\${updates}, all the largest batch made)\` });`),
    code(`
      const models = main.map((r) => ({ label: \`batch \${r.config.batchSize}\`, model: r.model }));
      await showImage(await imageGrid(await colourizedRows({ val: exp.data.val, td, palette: exp.palette, models })), {
        caption: "First 10 validation horses coloured by the UNet trained with each batch size",
      });
      await recordHeadline({ question: "B.4 Batch size at a fixed number of epochs (UNet)", answer: batchSizeAnswer(table), reference: REFERENCES.batchSize });`),
    md(`
      ## What changes with the batch size

      Measured on the shared CIFAR-10 horses (full mode, 25 epochs, lr 0.001; seeds 0, 1, 2 at batch 50,
      100 and 200, seed 0 elsewhere), final validation loss: batch 10: 1.254, 25: 1.325, 50: 1.345
      (1.313-1.406 over seeds), 100: 1.371 (1.314-1.419), 200: 1.406 (1.391-1.426), 500: 1.505.
      PyTorch on this archive: 50: 1.35, 100: 1.37, 200: 1.43; published (one source, 1,000 validation
      horses): 5: 1.23, 50: 1.38, 100: 1.32, 200: 1.41, 500: 1.52.

      - **At a fixed number of epochs** smaller batches make more updates, so their training loss falls
        further (1.15 at batch 10, 1.44 at batch 500) and their validation loss ends lower, in order, for
        every batch size (the seed ranges of 50 and 100 overlap; 200 is worse than both for every seed).
        The largest batches are still far from converged (batch 500's validation loss fell from 1.65 to
        1.50 over the last 15 epochs).
        The small batches start to overfit: batch 25's best validation loss came at epoch 18 (1.265) and
        its last is 1.325; batch 10's at epoch 22 (1.242), its last 1.254.
      - **At a fixed number of updates** the comparison changes sides: after 250 updates (all that batch
        500 makes in 25 epochs) the validation loss is 1.505 at batch 500, 1.534 at 200, 1.583 at 100,
        1.617 at 50 (means over seeds) and 1.643 at 25. Each step of a larger batch averages the gradient
        over more images and makes more progress per update; batch size trades the number of steps
        against the quality of each step.
      - **Time**: with the project's kernels, an epoch costs about the same from batch 25 to 500 (10.6-11.4
        s on one thread); only batch 10 is slower (13.2 s). So on this machine the small batches' better loss
        at a fixed number of epochs comes almost free.
      - **Images**: compare the rows of the grid; differences between batch sizes are small next to the
        difference between the UNet and the CNN (notebook 04), and the runs that are furthest from
        convergence (the largest batches) show it first.
      - The student writeup concluded from three runs (50, 100, 200) that batch 200 gave the best images
        and that 100 had converged by epoch 20. Here batch 200 has the highest validation loss of the three
        for every seed, and batch 100's validation loss, averaged over seeds, is lowest at epoch 21. One
        configuration's validation loss at batch 100 ranges over 1.314-1.419 across seeds (accuracy
        45.6-50.1%): on 102 validation images one run per batch size cannot rank 50 against 100.`),
  ],
};

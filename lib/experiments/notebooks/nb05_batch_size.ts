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
      const sweep = runs.map((r) => ({ batchSize: r.spec.batchSize, seed: r.spec.seed, trainImages, history: r.history }));
      const main = runs.filter((r) => r.spec.seed === settings.seed);
      const table = finalEpochTable(sweep);`),
    code(`
      const series = main.map((r) => ({ name: \`batch \${r.spec.batchSize}\`, history: r.history }));
      await showPlot(lossCurves(series, { title: "UNet: loss per epoch by batch size", subtitle: \`lr 0.001, seed \${settings.seed}, \${trainImages} training images\` }));
      await showTable(batchSizeRows(table), { caption: "Final epoch by batch size: mean (min-max over seeds)" });
      await showPlot(barChart(table.map((r) => ({ label: String(r.batchSize), value: r.valLoss.mean, low: r.valLoss.min, high: r.valLoss.max })), {
        title: "Final validation loss by batch size", subtitle: "whiskers: min and max over seeds where several were run",
        xLabel: "batch size", yLabel: "validation cross-entropy", digits: 3,
      }));`),
    code(`
      await showPlot(barChart(table.map((r) => ({ label: String(r.batchSize), value: r.secondsPerEpoch })), {
        title: "Seconds per epoch by batch size", subtitle: \`backend \${backend.name}; shared machine, timings approximate\`,
        xLabel: "batch size", yLabel: "seconds per epoch", digits: 1,
      }));
      await showPlot(lineChart(main.flatMap((r) => lossByUpdates(sweep[runs.indexOf(r)]).map((p) => ({ ...p, series: \`batch \${r.spec.batchSize}\` }))), {
        title: "Validation loss against the number of updates", subtitle: "one point per epoch: equal x means an equal number of optimizer steps",
        xLabel: "optimizer updates (log scale)", yLabel: "validation cross-entropy", logX: true,
      }));
      const updates = commonUpdates(sweep);
      await showTable(fixedUpdatesRows(sweep, updates), { caption: \`The same number of updates (\${updates}, all the largest batch made)\` });`),
    code(`
      const models = main.map((r) => ({ label: \`batch \${r.spec.batchSize}\`, model: r.model }));
      await showImage(await imageGrid(await colourizedRows({ val: exp.data.val, td, palette: exp.palette, models })), {
        caption: "First 10 validation horses coloured by the UNet trained with each batch size",
      });
      await recordHeadline({ question: "B.4 Batch size at a fixed number of epochs (UNet)", answer: batchSizeAnswer(table), reference: REFERENCES.batchSize });`),
    md(`
      ## What changes with the batch size

      - **At a fixed number of epochs**, smaller batches make more updates, so their training loss falls
        further and their validation loss is lower after the same number of epochs (the table and bar
        chart); the largest batches are still far from converged. The smallest batches can start to overfit:
        look at the gap between the training and validation curves, and at the epoch of the best validation
        loss in the table.
      - **At a fixed number of updates** the comparison changes sides: each step of a larger batch averages
        the gradient over more images, so per update it makes more progress. The updates axis and the table
        of losses after the same number of updates show by how much; batch size trades the number of steps
        against the quality of each step.
      - **Time**: an epoch with small batches takes longer (more, smaller and less efficient steps), as the
        seconds-per-epoch chart shows.
      - **Images**: compare the rows of the grid; differences between batch sizes are small next to the
        difference between the UNet and the CNN (notebook 04), and the runs that are furthest from
        convergence (the largest batches) show it first.
      - The student writeup concluded from three runs (50, 100, 200) that batch 200 gave the best images;
        the seed spread above shows how much a single run can vary on 102 validation images.`),
  ],
};

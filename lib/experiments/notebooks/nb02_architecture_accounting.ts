/** notebooks/02_architecture_accounting.ipynb: Part A.3. @module */
import { code, md, type NotebookSource } from "./cells.ts";

export const notebook: NotebookSource = {
  file: "02_architecture_accounting.ipynb",
  cells: [
    md(`
      # 02 · Weights, outputs and connections of the CNN (Part A.3)

      **Question:** how many weights, outputs and connections does the handout CNN have, as functions of
      NF (filters), NC (colours), K (kernel size) and the input width W and height H, and what are they for
      NF 32, NC 24, K 3 at 32x32 and at 64x64 (six values)?

      **Counting convention** (stated because the answer depends on it):
      - *weights*: conv kernels plus conv biases. BatchNorm adds a scale and a shift per channel (trained)
        and a running mean and variance per channel (not trained); both are listed separately. tfjs's
        \`countParams()\` counts all of them.
      - *outputs*: the values a layer produces for one image. "conv only" counts the six conv layers;
        "every layer" also counts each max-pool, upsample, BatchNorm and ReLU output.
      - *connections*: multiply-accumulates (MACs) of the convolutions for one image, one per kernel tap per
        output value; "with bias" adds one per conv output. Pooling, upsampling, BatchNorm and ReLU are
        element-wise or selection, not weighted connections.

      Every formula is checked against the model built with tfjs: its \`countParams()\`, every layer's
      \`outputShape\`, and MACs counted from each conv layer's kernel shape times its output shape.`),
    code(`
      import {
        accountingAnswer, accountingRows, barChart, buildCnn, CNN_FORMULA_TEXT, cnnLayerFormulas,
        describeBackend, experimentSettings, initTf, layerTableRows, measureModel, recordContext,
        recordHeadline, showMarkdown, showPlot, showTable, studentDisagreement, studentFormulas,
      } from "../lib/mod.ts";
      const backend = await initTf();`),
    code(`
      const settings = experimentSettings();
      await recordContext({
        mode: settings.quick ? "quick" : "full", backend: describeBackend(backend),
        data: "none: counts only, no training", seed: settings.seed,
      });
      const sizes = [32, 64].map((s) => ({ numFilters: 32, numColours: 24, kernelSize: 3, width: s, height: s }));
      const models = sizes.map((s) => buildCnn({ ...s, seed: settings.seed }));`),
    code(`
      await showTable(Object.entries(CNN_FORMULA_TEXT).map(([quantity, formula]) => ({ quantity, formula })), {
        caption: "Closed forms (1 input channel), simplified from the layer list below",
      });
      await showTable(layerTableRows(cnnLayerFormulas(sizes[0]), measureModel(models[0])), {
        caption: "Layer by layer at 32x32: formula vs the built tfjs model",
      });`),
    code(`
      const rows = sizes.flatMap((s, i) => accountingRows(s, models[i]));
      await showTable(rows, { caption: "The six values (and each convention): formula, tfjs model, student writeup" });
      const perLayer = sizes.flatMap((s, i) =>
        measureModel(models[i]).filter((l) => l.kind === "conv").map((l) => ({
          label: l.name, value: l.macs / 1e6, series: \`\${s.width}x\${s.height}\`,
        }))
      );
      await showPlot(barChart(perLayer, {
        title: "Multiply-accumulates per conv layer (one image)",
        subtitle: "counted from the built models' kernel and output shapes",
        xLabel: "layer", yLabel: "millions of MACs", digits: 2,
      }));`),
    code(`
      await showMarkdown(studentDisagreement(sizes[0], models[0]));
      const st = studentFormulas(sizes[0]);
      await recordHeadline({
        question: "A.3 Weights, outputs, connections (NF 32, NC 24, K 3; 32x32 and 64x64)",
        answer: accountingAnswer(rows),
        reference: \`student writeup: \${st.weights} weights (misses the last conv's NC biases), \${st.outputs} outputs (mixed convention)\`,
      });`),
    md(`
      ## What the counts say

      - **Weights do not depend on the image size**: a convolution reuses the same K x K kernel at every
        position, so doubling W and H leaves every weight count unchanged. Outputs and connections are
        proportional to W x H: doubling both multiplies them by 4 (compare the 32x32 and 64x64 rows).
      - **Where they come from**: the weights are dominated by the NF-to-2NF layers (K^2 * 8 NF^2 in all),
        the connections by the full-resolution layers: the last conv (NC -> NC at W x H) costs more MACs
        than the 2NF -> 2NF conv at W/4 x H/4, although it has a seventh of its weights.
      - **The student writeup**, evaluated term by term above: its weight formula omits the final conv's NC
        biases (86,328 instead of 86,352 at NF 32, NC 24, K 3) and, like ours, leaves BatchNorm out without
        saying so; its output formula is neither "conv only" nor "every layer": it counts conv5's output twice
        and skips upsample4, BatchNorm and ReLU; its connection formula is right under the "MACs plus one per
        bias" convention. Its doubled-input answers scale correctly (weights unchanged, the rest x4).`),
  ],
};

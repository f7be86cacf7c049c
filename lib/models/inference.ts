/**
 * Fast eval-mode forward pass: BatchNorm folded into the convolution in front
 * of it, as torch.jit.freeze and ONNX runtimes do.
 *
 * In eval mode a {@link TorchBatchNorm} is a per-channel affine map
 * y = s*x + t, s = gamma / sqrt(movingVariance + epsilon),
 * t = beta - movingMean * s. Behind a conv (kernel w, bias b) it folds into
 * the conv: w' = w * s (per output channel), b' = b * s + t, and the ReLU
 * after it becomes the conv's fused activation. So each handout block
 * "conv -> (pool | upsample)? -> BN -> ReLU" runs as one fused conv, plus
 * the resample, which commutes with the folded affine map and the ReLU:
 * nearest upsampling always, 2x2 max-pooling when every s >= 0 (else the
 * block runs conv -> pool -> s*x + t -> ReLU). A UNet's skip concatenation
 * before a conv is not materialised: the conv reads its inputs in place
 * ({@link concatConv2d}). Any other layer runs as tfjs-layers would
 * (`layer.apply(x, {training: false})`), so every single-input,
 * single-output functional model compiles.
 *
 * ```ts
 * const net = compileInference(model); // after training: weights are snapshot
 * const logits = net.apply(xs); // == model.apply(xs, {training: false})
 * net.dispose();
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { concatConv2d } from "../kernels/conv/concat_conv2d.ts";
import { TorchBatchNorm } from "./batch_norm.ts";
import { MaxPool2x2, UpsampleNearest2x } from "./resample.ts";

/** A compiled eval-mode forward pass of a model (see {@link compileInference}). */
export interface InferenceModel {
  /** The plan, one line per executed step, e.g. "conv1+bn1+relu1 (folded) -> pool1". */
  readonly steps: string[];
  /** Logits for a batch, equal (up to float rounding) to `model.apply(x, {training: false})`. */
  apply(x: tf.Tensor4D): tf.Tensor;
  /** Frees the folded weights; `apply` throws afterwards. */
  dispose(): void;
}

/** A tfjs-layers graph node (its type is not exported by tfjs-layers). */
interface GraphNode {
  outboundLayer: tf.layers.Layer;
  inputTensors: tf.SymbolicTensor[];
  outputTensors: tf.SymbolicTensor[];
}

/** One step of the plan: reads tensors by symbolic-tensor id, writes others. */
interface Step {
  label: string;
  inputs: number[];
  outputs: number[];
  run(xs: tf.Tensor[]): tf.Tensor[];
}

/** For each BatchNorm layer, whether every scale s is >= 0 (undefined: not known). */
type SignLookup = (bn: TorchBatchNorm, s: tf.Tensor1D) => boolean | undefined;

/**
 * Compiles `model` for eval-mode inference: snapshots its current weights
 * and folds each BatchNorm into the conv in front of it. Recompile after the
 * weights change (training, `setWeights`, loading a checkpoint): the plan
 * does not see later changes. The model must have one input and one output.
 *
 * Whether a pooled block may be folded depends on the sign of its BatchNorm
 * scale, read synchronously here; where a backend cannot read synchronously
 * (WebGPU under Deno) such blocks use the unfolded pool path: prefer
 * {@link compileInferenceAsync} there.
 */
export function compileInference(model: tf.LayersModel): InferenceModel {
  return compile(model, (_bn, s) => {
    try {
      return s.dataSync().every((v) => v >= 0);
    } catch {
      return undefined; // no synchronous read on this backend
    }
  });
}

/**
 * {@link compileInference} that reads the BatchNorm scales with
 * `await data()`, so pooled blocks fold on every backend (WebGPU included).
 */
export async function compileInferenceAsync(
  model: tf.LayersModel,
): Promise<InferenceModel> {
  const signs = new Map<TorchBatchNorm, boolean>();
  for (const layer of model.layers) {
    if (!(layer instanceof TorchBatchNorm)) continue;
    const { s, t } = scaleShift(layer);
    const values = await s.data();
    tf.dispose([s, t]);
    signs.set(layer, values.every((v) => v >= 0));
  }
  return compile(model, (bn) => signs.get(bn));
}

/** The eval-mode affine map of a BatchNorm: y = s*x + t (new tensors). */
function scaleShift(bn: TorchBatchNorm): { s: tf.Tensor1D; t: tf.Tensor1D } {
  return tf.tidy(() => {
    const [gamma, beta, mean, variance] = bn.getWeights() as tf.Tensor1D[];
    // The same arithmetic as TorchBatchNorm.call in eval mode.
    const s = tf.mul(gamma, tf.rsqrt(tf.add(variance, bn.epsilon)));
    const t = tf.sub(beta, tf.mul(mean, s));
    return { s: s as tf.Tensor1D, t: t as tf.Tensor1D };
  });
}

/** The node that produced a symbolic tensor. */
function producer(st: tf.SymbolicTensor): GraphNode {
  return st.sourceLayer.inboundNodes[st.nodeIndex] as unknown as GraphNode;
}

/** A Conv2D this module can run: 'same', stride 1, undilated, NHWC, linear. */
function isPlainConv(layer: tf.layers.Layer): boolean {
  if (layer.getClassName() !== "Conv2D") return false;
  const c = layer.getConfig();
  const ones = (v: unknown) =>
    [v].flat().every((n) => n === 1) || v === undefined || v === null;
  return c.padding === "same" && ones(c.strides) && ones(c.dilationRate) &&
    (c.dataFormat ?? "channelsLast") === "channelsLast" &&
    (c.activation ?? "linear") === "linear";
}

/** A plain ReLU layer (no cap, no leak). */
function isRelu(layer: tf.layers.Layer): boolean {
  const c = layer.getConfig();
  if (layer.getClassName() === "ReLU") return c.maxValue == null;
  return layer.getClassName() === "Activation" && c.activation === "relu";
}

/** A concatenation on the last axis of 4-D tensors. */
function isChannelConcat(node: GraphNode): boolean {
  const layer = node.outboundLayer;
  if (layer.getClassName() !== "Concatenate") return false;
  const axis = layer.getConfig().axis;
  return axis === -1 ||
    node.inputTensors.every((t) => t.shape.length === 4 && axis === 3);
}

/**
 * Nodes that the model's output depends on, in topological order, and who
 * reads each symbolic tensor (only these nodes count: a layer may also be
 * part of other models).
 */
function graphOf(model: tf.LayersModel): {
  nodes: GraphNode[];
  consumers: Map<number, GraphNode[]>;
} {
  const inputId = model.inputs[0].id;
  const nodes: GraphNode[] = [];
  const seen = new Set<GraphNode>();
  const consumers = new Map<number, GraphNode[]>();
  const visit = (st: tf.SymbolicTensor): void => {
    if (st.id === inputId) return;
    const node = producer(st);
    if (seen.has(node)) return;
    seen.add(node);
    if (node.inputTensors.length === 0) {
      throw new Error(
        `compileInference: ${st.sourceLayer.name} is an input the model does not declare`,
      );
    }
    for (const inp of node.inputTensors) {
      visit(inp);
      consumers.set(inp.id, [...(consumers.get(inp.id) ?? []), node]);
    }
    nodes.push(node); // post-order: after everything it reads
  };
  visit(model.outputs[0]);
  return { nodes, consumers };
}

function compile(model: tf.LayersModel, signOf: SignLookup): InferenceModel {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error(
      `compileInference: the model must have one input and one output, ` +
        `got ${model.inputs.length} and ${model.outputs.length}`,
    );
  }
  const inputId = model.inputs[0].id;
  const outputId = model.outputs[0].id;
  const { nodes, consumers } = graphOf(model);
  /** The single node reading `st`, unless `st` is also the model's output. */
  const onlyConsumer = (st: tf.SymbolicTensor): GraphNode | undefined => {
    const c = consumers.get(st.id) ?? [];
    return c.length === 1 && st.id !== outputId ? c[0] : undefined;
  };

  /** Whether `cat` is a concatenation that the conv reading it takes over. */
  const foldsIntoConv = (cat: GraphNode): boolean => {
    const reader = onlyConsumer(cat.outputTensors[0]);
    return isChannelConcat(cat) && reader !== undefined &&
      isPlainConv(reader.outboundLayer) && reader.inputTensors.length === 1;
  };

  const kept: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T): T => {
    kept.push(tf.keep(t));
    return t;
  };
  const absorbed = new Set<GraphNode>();
  const steps: Step[] = [];
  try {
    tf.tidy(() => {
      for (const node of nodes) {
        // Skip what a conv step computes: its concat (seen before the conv)
        // and its block (seen after).
        if (absorbed.has(node) || foldsIntoConv(node)) continue;
        const layer = node.outboundLayer;
        if (isPlainConv(layer) && node.inputTensors.length === 1) {
          steps.push(convStep(node));
        } else {
          steps.push(genericStep(node));
        }
      }
    });
  } catch (e) {
    tf.dispose(kept);
    throw e;
  }

  /** A conv, with the concat before it and the block after it when they match. */
  function convStep(node: GraphNode): Step {
    const conv = node.outboundLayer;
    // Inputs: the concatenation's own inputs when only this conv reads it.
    let inputs = node.inputTensors;
    let label = conv.name;
    const cat = inputs[0].id === inputId ? undefined : producer(inputs[0]);
    if (cat && foldsIntoConv(cat)) {
      inputs = cat.inputTensors;
      label = `${cat.outboundLayer.name}+${label}`;
    }
    const [w, b] = conv.getWeights() as [tf.Tensor4D, tf.Tensor1D?];
    const kernel = w;
    const bias = b ?? tf.zeros([w.shape[3]]) as tf.Tensor1D;

    // Match conv -> (pool | upsample)? -> BN -> ReLU, each read by one node only.
    let next = onlyConsumer(node.outputTensors[0]);
    let resample: GraphNode | undefined;
    if (
      next && (next.outboundLayer instanceof MaxPool2x2 ||
        next.outboundLayer instanceof UpsampleNearest2x)
    ) {
      resample = next;
      next = onlyConsumer(next.outputTensors[0]);
    }
    const bnNode = next && next.outboundLayer instanceof TorchBatchNorm
      ? next
      : undefined;
    const reluNode = bnNode && onlyConsumer(bnNode.outputTensors[0]);
    const ids = inputs.map((t) => t.id);
    if (!bnNode || !reluNode || !isRelu(reluNode.outboundLayer)) {
      // No block to fold (e.g. the last conv): the conv alone, linear.
      const f = keep(tf.clone(kernel));
      const c = keep(tf.clone(bias));
      return {
        label,
        inputs: ids,
        outputs: [node.outputTensors[0].id],
        run: (xs) => [concatConv2d(xs as tf.Tensor4D[], f, c)],
      };
    }
    for (const n of [resample, bnNode, reluNode]) if (n) absorbed.add(n);
    const bn = bnNode.outboundLayer as TorchBatchNorm;
    const relu = reluNode.outboundLayer;
    const outputs = [reluNode.outputTensors[0].id];
    const { s, t } = scaleShift(bn);
    const blockLabel = `${label}+${bn.name}+${relu.name}`;
    const pool = resample?.outboundLayer instanceof MaxPool2x2;
    const upsample = resample !== undefined && !pool;
    const resampleName = resample ? ` -> ${resample.outboundLayer.name}` : "";

    if (pool && signOf(bn, s) !== true) {
      // max(s*y) != s*max(y) for s < 0: pool the raw conv, then scale.
      const f = keep(tf.clone(kernel));
      const c = keep(tf.clone(bias));
      const scale = keep(s.reshape([1, 1, 1, -1]));
      const shift = keep(t.reshape([1, 1, 1, -1]));
      return {
        label: `${label}${resampleName} -> ${bn.name}+${relu.name} ` +
          `(scale-shift: scale not known non-negative)`,
        inputs: ids,
        outputs,
        run: (xs) => {
          const y = concatConv2d(xs as tf.Tensor4D[], f, c);
          return [
            tf.relu(tf.add(tf.mul(tf.maxPool(y, 2, 2, "valid"), scale), shift)),
          ];
        },
      };
    }
    // Folded: the affine map and the ReLU commute with nearest upsampling,
    // and with max-pooling when s >= 0 (checked above).
    const f = keep(tf.mul(kernel, s) as tf.Tensor4D);
    const c = keep(tf.add(tf.mul(bias, s), t) as tf.Tensor1D);
    return {
      label: `${blockLabel} (folded)${resampleName}`,
      inputs: ids,
      outputs,
      // The conv kernel pools or upsamples its own output (the conv's
      // output is never written apart).
      run: (xs) => [
        concatConv2d(xs as tf.Tensor4D[], f, c, { relu: true, pool, upsample }),
      ],
    };
  }

  /** Any other layer, as tfjs-layers runs it in eval mode. */
  function genericStep(node: GraphNode): Step {
    const layer = node.outboundLayer;
    return {
      label: `layer ${layer.name} (generic)`,
      inputs: node.inputTensors.map((t) => t.id),
      outputs: node.outputTensors.map((t) => t.id),
      run: (xs) => {
        const y = layer.apply(xs.length === 1 ? xs[0] : xs, {
          training: false,
        }) as tf.Tensor | tf.Tensor[];
        return Array.isArray(y) ? y : [y];
      },
    };
  }

  // How many steps read each tensor: an intermediate is freed after its last read.
  const reads = new Map<number, number>();
  for (const step of steps) {
    for (const id of step.inputs) reads.set(id, (reads.get(id) ?? 0) + 1);
  }
  let disposed = false;
  return {
    steps: steps.map((s) => s.label),
    apply(x: tf.Tensor4D): tf.Tensor {
      if (disposed) throw new Error("compileInference: model was disposed");
      return tf.tidy(() => {
        const env = new Map<number, tf.Tensor>([[inputId, x]]);
        const left = new Map(reads);
        for (const step of steps) {
          const ys = step.run(step.inputs.map((id) => env.get(id)!));
          step.outputs.forEach((id, i) => env.set(id, ys[i]));
          // Free each intermediate after its last read (peak memory); tidy
          // frees the rest. A layer may return its input tensor itself
          // (identity-like layers), so free a tensor no other id still holds.
          for (const id of step.inputs) {
            const n = left.get(id)! - 1;
            left.set(id, n);
            if (n > 0 || id === outputId) continue;
            const t = env.get(id)!;
            env.delete(id);
            if (t !== x && ![...env.values()].includes(t)) t.dispose();
          }
        }
        const y = env.get(outputId)!;
        return y === x ? tf.clone(y) : y;
      });
    },
    dispose(): void {
      disposed = true;
      tf.dispose(kept);
      kept.length = 0;
    },
  };
}

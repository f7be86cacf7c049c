/**
 * Adam exactly as PyTorch's `torch.optim.Adam` computes it, with its state in
 * the open so that a checkpoint can restore it bit for bit.
 *
 * tfjs's AdamOptimizer keeps beta^t as a running float32 product and, on
 * `setWeights`, recomputes it with `pow`; the two can differ in the last bit,
 * so a resumed run would drift from an uninterrupted one. Here the bias
 * corrections come from the step count alone (in float64, as in PyTorch).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { adamUpdate } from "../kernels/optimizer/adam_update.ts";

/** Adam's hyper-parameters; defaults are PyTorch's. */
export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  /** PyTorch: 1e-8 (tfjs's default is 1e-7). */
  epsilon?: number;
}

/** Everything a checkpoint needs to continue an Adam run. */
export interface AdamState {
  /** Steps taken so far. */
  step: number;
  /** First moments, one per variable, in the order of `variables`. */
  m: Float32Array[];
  /** Second moments, same order. */
  v: Float32Array[];
}

/**
 * Adam over a fixed, ordered list of variables:
 * m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 *
 * @see notebooks/01_colourization.ipynb
 */
export class Adam {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private step = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(readonly variables: tf.Variable[], opts: AdamOptions) {
    this.learningRate = opts.learningRate;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-8;
    this.m = tf.tidy(() =>
      variables.map((p) => tf.variable(tf.zerosLike(p), false))
    );
    this.v = tf.tidy(() =>
      variables.map((p) => tf.variable(tf.zerosLike(p), false))
    );
  }

  /** Steps taken so far. */
  get iterations(): number {
    return this.step;
  }

  /** One update; `grads` maps each variable's name to its gradient. */
  applyGradients(grads: tf.NamedTensorMap): void {
    this.step += 1;
    const hyper = {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      t: this.step,
    };
    tf.tidy(() => {
      this.variables.forEach((p, i) => {
        const g = grads[p.name];
        if (g === undefined) {
          throw new Error(`no gradient for variable ${p.name}`);
        }
        // One pass per variable on wasm (lib/kernels/optimizer/adam_update.ts).
        const [p1, m1, v1] = adamUpdate(p, g, this.m[i], this.v[i], hyper);
        this.m[i].assign(m1);
        this.v[i].assign(v1);
        p.assign(p1);
      });
    });
  }

  /** A copy of the state, for a checkpoint. */
  async getState(): Promise<AdamState> {
    const m = await Promise.all(
      this.m.map((t) => t.data() as Promise<Float32Array>),
    );
    const v = await Promise.all(
      this.v.map((t) => t.data() as Promise<Float32Array>),
    );
    return { step: this.step, m, v };
  }

  /** Restores a state saved by {@link getState} for the same variables. */
  setState(state: AdamState): void {
    if (state.m.length !== this.m.length || state.v.length !== this.v.length) {
      throw new Error(
        `optimizer state has ${state.m.length} variables, the model ${this.m.length}`,
      );
    }
    const restore = (vars: tf.Variable[], values: Float32Array[]) =>
      vars.forEach((t, i) => {
        if (values[i].length !== t.size) {
          throw new Error(
            `optimizer state for ${this.variables[i].name} has the wrong size`,
          );
        }
        tf.tidy(() => t.assign(tf.tensor(values[i], t.shape)));
      });
    restore(this.m, state.m);
    restore(this.v, state.v);
    this.step = state.step;
  }

  /** Frees the moment variables. */
  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}

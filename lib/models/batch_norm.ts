/**
 * BatchNorm with PyTorch's semantics, as the handout's models used it.
 *
 * tfjs-layers' own `BatchNormalization` differs from `torch.nn.BatchNorm2d` in
 * three ways that change what eval-mode validation reports: its defaults
 * (epsilon 1e-3, moving-average momentum 0.99), and its running variance,
 * which it updates with the biased batch variance where PyTorch uses the
 * unbiased one (n / (n - 1)). This layer does what PyTorch does:
 *
 * - training: y = (x - mean_B) / sqrt(var_B + eps) * gamma + beta, with the
 *   biased batch variance var_B over N*H*W values per channel; then
 *   running_mean <- (1 - m) * running_mean + m * mean_B and
 *   running_var  <- (1 - m) * running_var  + m * var_B * n / (n - 1),
 *   m = 0.1, n = N*H*W;
 * - inference: the same with the running statistics.
 *
 * Training mode runs lib/kernels/batch_norm/batch_norm_train.ts: one op with the
 * closed-form gradient of BatchNorm (fused own kernels on wasm), instead of
 * the many small broadcast ops that autodiff of `tf.moments` produces.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { batchNormTrain } from "../kernels/batch_norm/batch_norm_train.ts";

/** Options of {@link TorchBatchNorm}; defaults are PyTorch's. */
export interface TorchBatchNormArgs {
  /** Layer name, e.g. "bn1". */
  name?: string;
  /** Added to the variance before the square root (PyTorch: 1e-5). */
  epsilon?: number;
  /** Weight of each new batch in the running statistics (PyTorch: 0.1). */
  momentum?: number;
  /** Whether gamma and beta are trained (PyTorch `affine=True`). */
  trainable?: boolean;
}

/**
 * Per-channel BatchNorm over the last axis with PyTorch's defaults and update
 * rule. Weights, in order: gamma, beta, moving_mean, moving_variance (the same
 * order as tfjs's BatchNormalization).
 *
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 */
export class TorchBatchNorm extends tf.layers.Layer {
  /** Name under which the class is registered for (de)serialization. */
  static className = "TorchBatchNorm";
  readonly epsilon: number;
  readonly momentum: number;
  private gamma!: tf.LayerVariable;
  private beta!: tf.LayerVariable;
  private movingMean!: tf.LayerVariable;
  private movingVariance!: tf.LayerVariable;

  constructor(args: TorchBatchNormArgs = {}) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-5;
    this.momentum = args.momentum ?? 0.1;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape =
      (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (channels == null) {
      throw new Error(`${this.name}: the channel axis must have a known size`);
    }
    this.gamma = this.addWeight(
      "gamma",
      [channels],
      "float32",
      tf.initializers.ones(),
    );
    this.beta = this.addWeight(
      "beta",
      [channels],
      "float32",
      tf.initializers.zeros(),
    );
    this.movingMean = this.addWeight(
      "moving_mean",
      [channels],
      "float32",
      tf.initializers.zeros(),
      undefined,
      false,
    );
    this.movingVariance = this.addWeight(
      "moving_variance",
      [channels],
      "float32",
      tf.initializers.ones(),
      undefined,
      false,
    );
    this.built = true;
  }

  override computeOutputShape(
    inputShape: tf.Shape | tf.Shape[],
  ): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: { training?: boolean },
  ): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const gamma = this.gamma.read();
    const beta = this.beta.read();
    if (!kwargs.training) {
      return tf.tidy(() => {
        const invStd = tf.rsqrt(
          tf.add(this.movingVariance.read(), this.epsilon),
        );
        const scale = tf.mul(gamma, invStd);
        const shift = tf.sub(beta, tf.mul(this.movingMean.read(), scale));
        return tf.add(tf.mul(x, scale), shift);
      });
    }
    return this.trainingForward(x, gamma, beta);
  }

  /** Batch statistics, running-stat update, and a hand-written gradient. */
  private trainingForward(
    x: tf.Tensor,
    gamma: tf.Tensor,
    beta: tf.Tensor,
  ): tf.Tensor {
    const n = x.size / x.shape[x.shape.length - 1];
    return batchNormTrain(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, {
      epsilon: this.epsilon,
      onStats: (mean, variance) => this.updateRunningStats(mean, variance, n),
    });
  }

  private updateRunningStats(
    mean: tf.Tensor,
    variance: tf.Tensor,
    n: number,
  ): void {
    const m = this.momentum;
    const unbiased = n > 1 ? n / (n - 1) : 1;
    tf.tidy(() => {
      this.movingMean.write(
        tf.add(tf.mul(this.movingMean.read(), 1 - m), tf.mul(mean, m)),
      );
      this.movingVariance.write(
        tf.add(
          tf.mul(this.movingVariance.read(), 1 - m),
          tf.mul(variance, m * unbiased),
        ),
      );
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      epsilon: this.epsilon,
      momentum: this.momentum,
    };
  }
}
tf.serialization.registerClass(TorchBatchNorm);

/**
 * A PyTorch-style BatchNorm layer (epsilon 1e-5, running statistics updated
 * with weight 0.1, unbiased running variance).
 *
 * @see notebooks/03_batchnorm_scale_shift.ipynb
 */
export function torchBatchNorm(args: TorchBatchNormArgs = {}): TorchBatchNorm {
  return new TorchBatchNorm(args);
}

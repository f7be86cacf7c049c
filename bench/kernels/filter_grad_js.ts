/**
 * The filter gradient of an NHWC convolution in plain JS loops: the reference
 * (float64 accumulation) and the fallback when the wasm SIMD kernel is absent.
 *
 * @module
 */
import type { ConvGeometry } from "../../lib/kernels/conv/conv_geometry.ts";

/**
 * dW[kh, kw, c, k] = sum over n, oy, ox of
 * x[n, oy*sH + kh*dH - padTop, ox*sW + kw*dW - padLeft, c] * dy[n, oy, ox, k]
 * (out-of-range x reads as 0). x is [N, H, W, C], dy is [N, OH, OW, K].
 */
export function filterGradJs(
  x: Float32Array,
  dy: Float32Array,
  g: ConvGeometry,
): Float32Array {
  const { inH, inW, inC: C, outH, outW, outC: K, kH, kW } = g;
  const acc = new Float64Array(kH * kW * C * K);
  for (let n = 0; n < g.batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const dyOff = ((n * outH + oy) * outW + ox) * K;
        for (let kh = 0; kh < kH; kh++) {
          const iy = oy * g.strideH + kh * g.dilationH - g.padTop;
          if (iy < 0 || iy >= inH) continue;
          for (let kw = 0; kw < kW; kw++) {
            const ix = ox * g.strideW + kw * g.dilationW - g.padLeft;
            if (ix < 0 || ix >= inW) continue;
            const xOff = ((n * inH + iy) * inW + ix) * C;
            const wOff = (kh * kW + kw) * C * K;
            for (let c = 0; c < C; c++) {
              const xv = x[xOff + c];
              if (xv === 0) continue; // ReLU outputs are often 0
              const row = wOff + c * K;
              for (let k = 0; k < K; k++) acc[row + k] += xv * dy[dyOff + k];
            }
          }
        }
      }
    }
  }
  return Float32Array.from(acc);
}

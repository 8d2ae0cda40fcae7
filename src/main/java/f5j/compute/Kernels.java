package f5j.compute;

import f5j.numerics.Erf;

/**
 * The arithmetic of every layer, as static methods over flat primitive arrays, run by the reference
 * backend. TornadoVM compiles their twins (f5j.compute.tornado.TornadoKernels in src/tornado: the same
 * arithmetic on its device arrays), which a default-build test keeps bit-equal to these. They obey the
 * TornadoVM kernel subset too (no allocation, no objects, no exceptions, only primitive arrays and
 * java.lang.Math), so each twin is the same loop. Each kernel covers an index range [from, to) of its
 * outermost parallel loop, so a caller can split the work across threads.
 */
@Kernel
public final class Kernels {
    private Kernels() {}

    public static void linear(float[] x, int in, float[] w, float[] b, boolean hasBias, int out, float[] y,
                              int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int xo = r * in, yo = r * out;
            for (int o = 0; o < out; o++) {
                int wo = o * in;
                float acc = 0f;
                for (int i = 0; i < in; i++) acc += x[xo + i] * w[wo + i];
                y[yo + o] = hasBias ? acc + b[o] : acc;
            }
        }
    }

    public static void layerNorm(float[] x, int dim, float[] gamma, float[] beta, boolean affine, float eps,
                                 float[] y, int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int o = r * dim;
            float mean = 0f;
            for (int i = 0; i < dim; i++) mean += x[o + i];
            mean /= dim;
            float var = 0f;
            for (int i = 0; i < dim; i++) {
                float d = x[o + i] - mean;
                var += d * d;
            }
            var /= dim;
            float inv = 1f / (float) Math.sqrt(var + eps);
            for (int i = 0; i < dim; i++) {
                float v = (x[o + i] - mean) * inv;
                y[o + i] = affine ? v * gamma[i] + beta[i] : v;
            }
        }
    }

    public static void rmsNorm(float[] x, int dim, float[] gamma, float eps, float[] y, int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int o = r * dim;
            float ms = 0f;
            for (int i = 0; i < dim; i++) ms += x[o + i] * x[o + i];
            ms /= dim;
            float inv = 1f / (float) Math.sqrt(ms + eps);
            for (int i = 0; i < dim; i++) y[o + i] = x[o + i] * inv * gamma[i];
        }
    }

    public static void silu(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            y[i] = v / (1f + (float) Math.exp(-v));
        }
    }

    public static void mish(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            // softplus with PyTorch's threshold of 20. log1p(e) is spelled out because TornadoVM does not
            // compile Math.log1p: a series where 1 + e would lose digits, else log(1 + e) (both ~1e-12 rel.).
            double e = Math.exp(v);
            float sp = v > 20f ? v : (float) (e < 1e-4 ? e * (1.0 - e * (0.5 - e / 3.0)) : Math.log(1.0 + e));
            y[i] = v * (float) Math.tanh(sp);
        }
    }

    public static void geluErf(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            y[i] = (float) (0.5 * v * (1.0 + Erf.erf(v * 0.7071067811865476)));
        }
    }

    public static void geluTanh(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            float v = x[i];
            float inner = 0.7978845608028654f * (v + 0.044715f * v * v * v);
            y[i] = 0.5f * v * (1f + (float) Math.tanh(inner));
        }
    }

    public static void add(float[] a, float[] b, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = a[i] + b[i];
    }

    public static void mul(float[] a, float[] b, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = a[i] * b[i];
    }

    /** Channels-last conv1d; the parallel index is (batch * len) output positions. */
    public static void conv1d(float[] x, int len, int cin, float[] w, float[] b, boolean hasBias, int cout, int k,
                              int groups, int pad, float[] y, int posFrom, int posTo) {
        int cinG = cin / groups, coutG = cout / groups;
        for (int p = posFrom; p < posTo; p++) {
            int bi = p / len, t = p % len;
            int xb = bi * len * cin;
            for (int oc = 0; oc < cout; oc++) {
                int g = oc / coutG;
                float acc = hasBias ? b[oc] : 0f;
                int wo = oc * cinG * k;
                for (int j = 0; j < k; j++) {
                    int ts = t + j - pad;
                    if (ts < 0 || ts >= len) continue;
                    int xo = xb + ts * cin + g * cinG;
                    for (int ic = 0; ic < cinG; ic++) acc += w[wo + ic * k + j] * x[xo + ic];
                }
                y[p * cout + oc] = acc;
            }
        }
    }

    /**
     * Softmax attention for query rows [from, to) of (batch * heads * len), with an online (streaming)
     * softmax so no len x len matrix is stored. keyMask: batch x len with 1 = keep; hasMask false ignores it.
     */
    public static void attention(float[] q, float[] k, float[] v, int len, int heads, int dh, float[] keyMask,
                                 boolean hasMask, float[] out, int from, int to) {
        int width = heads * dh;
        float scale = 1f / (float) Math.sqrt(dh);
        for (int idx = from; idx < to; idx++) {
            int bi = idx / (heads * len);
            int rem = idx % (heads * len);
            int h = rem / len, i = rem % len;
            int qo = (bi * len + i) * width + h * dh;
            int oo = qo;
            for (int d = 0; d < dh; d++) out[oo + d] = 0f;
            float max = Float.NEGATIVE_INFINITY, sum = 0f;
            for (int j = 0; j < len; j++) {
                if (hasMask && keyMask[bi * len + j] == 0f) continue;
                int ko = (bi * len + j) * width + h * dh;
                float s = 0f;
                for (int d = 0; d < dh; d++) s += q[qo + d] * k[ko + d];
                s *= scale;
                if (s > max) {
                    float c = (float) Math.exp(max - s);
                    sum *= c;
                    for (int d = 0; d < dh; d++) out[oo + d] *= c;
                    max = s;
                }
                float p = (float) Math.exp(s - max);
                sum += p;
                for (int d = 0; d < dh; d++) out[oo + d] += p * v[ko + d];
            }
            float inv = sum > 0f ? 1f / sum : 0f;
            for (int d = 0; d < dh; d++) out[oo + d] *= inv;
        }
    }

    // ---- audio/Vocos ----

    public static void scaleLast(float[] x, int dim, float[] g, float[] y, int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int o = r * dim;
            for (int i = 0; i < dim; i++) y[o + i] = x[o + i] * g[i];
        }
    }

    /** Rows [from, to) of (batch * frames); x row = bins log-magnitudes then bins phases. */
    public static void polarSpectrum(float[] x, int bins, float maxMag, float[] re, float[] im, int rowFrom,
                                     int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int xo = r * 2 * bins, o = r * bins;
            for (int k = 0; k < bins; k++) {
                float mag = Math.min((float) Math.exp(x[xo + k]), maxMag);
                float p = x[xo + bins + k];
                re[o + k] = mag * (float) Math.cos(p);
                im[o + k] = mag * (float) Math.sin(p);
            }
        }
    }

    // ---- DiT (F5-TTS backbone and CFM sampler) ----

    /** Embedding lookup: row r of y is row ids[r] of table (table is numRows x dim). */
    public static void gatherRows(float[] table, int dim, int[] ids, float[] y, int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int src = ids[r] * dim, dst = r * dim;
            for (int i = 0; i < dim; i++) y[dst + i] = table[src + i];
        }
    }

    /** masked_fill(~keep, 0) on rows of x in place: rows whose keep value is 0 become zero. */
    public static void zeroRows(float[] x, int dim, float[] keep, int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            if (keep[r] != 0f) continue;
            int o = r * dim;
            for (int i = 0; i < dim; i++) x[o + i] = 0f;
        }
    }

    /**
     * Concatenation along the last axis of up to three row-aligned parts (widths da, db, dc; a width of 0
     * skips a part). A part flagged zero contributes zeros (dropped audio condition / long-skip input).
     */
    public static void concatLast(float[] a, int da, float[] b, int db, boolean bZero, float[] c, int dc, float[] y,
                                  int rowFrom, int rowTo) {
        int w = da + db + dc;
        for (int r = rowFrom; r < rowTo; r++) {
            int o = r * w;
            for (int i = 0; i < da; i++) y[o + i] = a[r * da + i];
            for (int i = 0; i < db; i++) y[o + da + i] = bZero ? 0f : b[r * db + i];
            for (int i = 0; i < dc; i++) y[o + da + db + i] = c[r * dc + i];
        }
    }

    /**
     * Adaptive-norm modulation {@code y = x * (1 + scale) + shift}, with scale and shift the rows of the
     * batch's embedding (emb is batch x embWidth; scale at column scaleOff, shift at shiftOff). x is
     * (batch * len) x dim; the parallel index is the row.
     */
    public static void modulate(float[] x, int len, int dim, float[] emb, int embWidth, int scaleOff, int shiftOff,
                                float[] y, int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int eo = (r / len) * embWidth, o = r * dim;
            for (int i = 0; i < dim; i++) {
                y[o + i] = x[o + i] * (1f + emb[eo + scaleOff + i]) + emb[eo + shiftOff + i];
            }
        }
    }

    /** Gated residual {@code x += gate * y} in place, gate a row of emb per batch (column gateOff). */
    public static void gatedAdd(float[] x, float[] y, int len, int dim, float[] emb, int embWidth, int gateOff,
                                int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int eo = (r / len) * embWidth + gateOff, o = r * dim;
            for (int i = 0; i < dim; i++) x[o + i] = x[o + i] + emb[eo + i] * y[o + i];
        }
    }

    /**
     * Global response normalisation, first half: per batch and channel the L2 norm over the sequence,
     * divided by its mean over channels plus 1e-6 ({@code Nx}, batch x dim). Parallel index: batch.
     */
    public static void grnScale(float[] x, int len, int dim, float[] nx, int batchFrom, int batchTo) {
        for (int b = batchFrom; b < batchTo; b++) {
            int xo = b * len * dim, no = b * dim;
            float mean = 0f;
            for (int d = 0; d < dim; d++) {
                float ss = 0f;
                for (int t = 0; t < len; t++) {
                    float v = x[xo + t * dim + d];
                    ss += v * v;
                }
                float g = (float) Math.sqrt(ss);
                nx[no + d] = g;
                mean += g;
            }
            mean /= dim;
            float den = mean + 1e-6f;
            for (int d = 0; d < dim; d++) nx[no + d] = nx[no + d] / den;
        }
    }

    /** Global response normalisation, second half: {@code y = gamma * (x * Nx) + beta + x}. Index: row. */
    public static void grnApply(float[] x, int len, int dim, float[] nx, float[] gamma, float[] beta, float[] y,
                                int rowFrom, int rowTo) {
        for (int r = rowFrom; r < rowTo; r++) {
            int o = r * dim, no = (r / len) * dim;
            for (int d = 0; d < dim; d++) {
                float v = x[o + d];
                y[o + d] = gamma[d] * (v * nx[no + d]) + beta[d] + v;
            }
        }
    }

    /**
     * cos/sin tables of position times frequency: {@code cos[p * halfLen + k] = cos(p * invFreq[k])}, the
     * angle rounded to float first (as torch.outer in float32 does). Parallel index: position.
     */
    public static void angleTable(float[] invFreq, int halfLen, float[] cos, float[] sin, int posFrom, int posTo) {
        for (int p = posFrom; p < posTo; p++) {
            for (int k = 0; k < halfLen; k++) {
                float a = (float) p * invFreq[k];
                cos[p * halfLen + k] = (float) Math.cos(a);
                sin[p * halfLen + k] = (float) Math.sin(a);
            }
        }
    }

    /**
     * Adds the sinusoidal text positions (first half of the channels cos, second half sin) to rows of
     * x (batch * len) x (2 * halfLen) whose position is below the batch's valid length. Index: row.
     */
    public static void addCosSin(float[] x, int len, int halfLen, float[] cos, float[] sin, int[] validLen,
                                 int rowFrom, int rowTo) {
        int dim = 2 * halfLen;
        for (int r = rowFrom; r < rowTo; r++) {
            int p = r % len;
            if (p >= validLen[r / len]) continue;
            int o = r * dim, t = p * halfLen;
            for (int k = 0; k < halfLen; k++) {
                x[o + k] = x[o + k] + cos[t + k];
                x[o + halfLen + k] = x[o + halfLen + k] + sin[t + k];
            }
        }
    }

    /**
     * Rotary position embedding in place on rows of x (batch * len) x (heads * dh), interleaved pairs
     * (2k, 2k+1) rotated by the angle of pair k, on the first ropeHeads heads only. Index: row.
     */
    public static void rotary(float[] x, int len, int heads, int dh, int ropeHeads, float[] cos, float[] sin,
                              int rowFrom, int rowTo) {
        int halfLen = dh / 2;
        for (int r = rowFrom; r < rowTo; r++) {
            int t = (r % len) * halfLen;
            for (int h = 0; h < ropeHeads; h++) {
                int o = r * heads * dh + h * dh;
                for (int k = 0; k < halfLen; k++) {
                    float c = cos[t + k], s = sin[t + k];
                    float a = x[o + 2 * k], b = x[o + 2 * k + 1];
                    x[o + 2 * k] = a * c + (-b) * s;
                    x[o + 2 * k + 1] = b * c + a * s;
                }
            }
        }
    }

    /**
     * Sinusoidal timestep features: {@code arg = (scale * time[b]) * freqs[k]}, y[b] = [sin(arg), cos(arg)]
     * (batch x 2 * halfLen). Index: batch.
     */
    public static void timestepSinusoid(float[] time, float scale, float[] freqs, int halfLen, float[] y,
                                        int batchFrom, int batchTo) {
        for (int b = batchFrom; b < batchTo; b++) {
            float st = scale * time[b];
            for (int k = 0; k < halfLen; k++) {
                float a = st * freqs[k];
                y[b * 2 * halfLen + k] = (float) Math.sin(a);
                y[b * 2 * halfLen + halfLen + k] = (float) Math.cos(a);
            }
        }
    }

    /** {@code y = a + b * s} (an ODE step: y0 + f * dt). */
    public static void addScaled(float[] a, float[] b, float s, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = a[i] + b[i] * s;
    }

    /**
     * Classifier-free guidance on a packed prediction (conditional rows first, the unconditional ones
     * {@code halfLen} values later): {@code y = pred + (pred - null) * cfg}.
     */
    public static void cfgCombine(float[] packed, int halfLen, float cfg, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            float p = packed[i];
            y[i] = p + (p - packed[halfLen + i]) * cfg;
        }
    }
}

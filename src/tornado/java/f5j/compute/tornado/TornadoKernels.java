package f5j.compute.tornado;

import f5j.compute.Kernel;
import f5j.compute.Kernels;
import f5j.numerics.Erf;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * TornadoVM twins of {@link Kernels}, with the same arithmetic in the same order: this is the code TornadoVM
 * compiles for the device ({@code --backend tornado}, a -Ptornadovm build), while {@link Kernels} is what
 * the reference backend runs on the host. The default build compiles these against API stubs and a test
 * (TaskTranslationTest) runs every op through both on random inputs and requires equal bits. They exist only because
 * the TornadoVM API forces two changes the plain kernels cannot carry without depending on TornadoVM:
 * <ul>
 *   <li>parallel loops are marked with {@link Parallel} (an annotation from tornado-api) and start at 0
 *       over the whole range, instead of the [from, to) slice the host threads use;</li>
 *   <li>buffers are off-heap {@link FloatArray}s (TornadoVM's device-transferable type; heap float[] task
 *       arguments are legacy) accessed with get/set.</li>
 * </ul>
 * Flags are ints (0/1) rather than booleans, and absent arrays are a 1-element dummy, because every task
 * argument must be a device object or a primitive. No parameter may be named like an OpenCL C keyword:
 * TornadoVM keeps parameter names in the generated kernel ({@code half} failed to build on PoCL).
 * {@link Erf#erf} is called as is: it is a pure static double function the offloadability test keeps
 * compilable.
 */
@Kernel
public final class TornadoKernels {
    private TornadoKernels() {}

    public static void linear(FloatArray x, int in, FloatArray w, FloatArray b, int hasBias, int out, FloatArray y,
                              int rows) {
        for (@Parallel int r = 0; r < rows; r++) {
            for (@Parallel int o = 0; o < out; o++) {
                int xo = r * in, wo = o * in;
                float acc = 0f;
                for (int i = 0; i < in; i++) acc += x.get(xo + i) * w.get(wo + i);
                y.set(r * out + o, hasBias != 0 ? acc + b.get(o) : acc);
            }
        }
    }

    /** Outputs per work-group of {@link #linearTiled}: LIN_TILE columns by LIN_TILE * LIN_ROWS rows. */
    public static final int LIN_TILE = 16, LIN_ROWS = 4;

    /**
     * {@link #linear} for a GPU: a work-group of 16 x 16 work-items computes a 64-row x 16-column block of
     * y. Per 16-wide slice of the inner dimension it stages the x rows and the weight rows in local memory
     * with coalesced loads (consecutive work-items read consecutive floats), then each work-item
     * accumulates 4 rows of its column from local memory (4 accumulators in registers reuse each weight 4
     * times). Each output still sums x[i] * w[i] for i = 0, 1, ..., in-1 in order, so it equals the plain
     * kernel bit for bit (on the JVM; a device may fuse the multiply-add). Grid: global (ceil(out/16)*16,
     * ceil(rows/64)*16), local (16, 16).
     */
    public static void linearTiled(KernelContext ctx, FloatArray x, int in, FloatArray w, FloatArray b, int hasBias,
                                   int out, FloatArray y, int rows) {
        int lx = ctx.localIdx, ly = ctx.localIdy;
        int o = ctx.groupIdx * LIN_TILE + lx;
        int r0 = ctx.groupIdy * (LIN_TILE * LIN_ROWS);
        float[] xs = ctx.allocateFloatLocalArray(LIN_TILE * LIN_ROWS * LIN_TILE); // [64 rows][16 k]
        float[] ws = ctx.allocateFloatLocalArray(LIN_TILE * (LIN_TILE + 1));      // [16 k][16 cols], padded
        float acc0 = 0f, acc1 = 0f, acc2 = 0f, acc3 = 0f;
        int wRow = ctx.groupIdx * LIN_TILE + ly;
        for (int k0 = 0; k0 < in; k0 += LIN_TILE) {
            int k = k0 + lx;
            for (int j = 0; j < LIN_ROWS; j++) {
                int rr = ly * LIN_ROWS + j, r = r0 + rr;
                xs[rr * LIN_TILE + lx] = (r < rows && k < in) ? x.get(r * in + k) : 0f;
            }
            // stored transposed: the compute loop then reads consecutive floats across work-items (vector
            // loads on a CPU device, conflict-free banks on a GPU, as the padded store is)
            ws[lx * (LIN_TILE + 1) + ly] = (wRow < out && k < in) ? w.get(wRow * in + k) : 0f;
            ctx.localBarrier();
            int kn = Math.min(LIN_TILE, in - k0); // only real terms: padding would add +0.0f and flip -0.0f
            int xb = ly * LIN_ROWS * LIN_TILE;
            for (int kk = 0; kk < kn; kk++) {
                float wv = ws[kk * (LIN_TILE + 1) + lx];
                acc0 += xs[xb + kk] * wv;
                acc1 += xs[xb + LIN_TILE + kk] * wv;
                acc2 += xs[xb + 2 * LIN_TILE + kk] * wv;
                acc3 += xs[xb + 3 * LIN_TILE + kk] * wv;
            }
            ctx.localBarrier();
        }
        if (o < out) {
            float bias = hasBias != 0 ? b.get(o) : 0f;
            int r = r0 + ly * LIN_ROWS;
            if (r < rows) y.set(r * out + o, hasBias != 0 ? acc0 + bias : acc0);
            if (r + 1 < rows) y.set((r + 1) * out + o, hasBias != 0 ? acc1 + bias : acc1);
            if (r + 2 < rows) y.set((r + 2) * out + o, hasBias != 0 ? acc2 + bias : acc2);
            if (r + 3 < rows) y.set((r + 3) * out + o, hasBias != 0 ? acc3 + bias : acc3);
        }
    }

    // ---- Linear over 16-bit weights (--device-weights fp16|bf16) ----
    // The weight holds two 16-bit codes per int (element i in the low half of int i/2 when i is even, the
    // high half when odd) and decodes through a 65536-entry float table (HalfWeights.decodeTable): exact,
    // and needs neither the device's half type (PoCL has no cl_khr_fp16) nor a float bit cast (TornadoVM
    // 5.2.0's OpenCL backend cannot emit Float.intBitsToFloat). Accumulation stays fp32, in the order of
    // Kernels.linear, so these equal it over the weights rounded to the format.

    /** The 16-bit code of element {@code i} from {@code pair}, the int that holds it. */
    public static int code16(int pair, int i) { return (pair >> ((i & 1) << 4)) & 0xffff; }

    /** {@link #linear} with 16-bit weights {@code wp} decoded by {@code decode}. */
    public static void linear16(FloatArray x, int in, IntArray wp, FloatArray decode, FloatArray b, int hasBias,
                                int out, FloatArray y, int rows) {
        for (@Parallel int r = 0; r < rows; r++) {
            for (@Parallel int o = 0; o < out; o++) {
                int xo = r * in, wo = o * in;
                float acc = 0f;
                for (int i = 0; i < in; i++) {
                    int wi = wo + i;
                    acc += x.get(xo + i) * decode.get(code16(wp.get(wi >> 1), wi));
                }
                y.set(r * out + o, hasBias != 0 ? acc + b.get(o) : acc);
            }
        }
    }

    /**
     * {@link #linearTiled} with 16-bit weights: the same tiles, grid and order of sums; the only difference
     * is that a weight is decoded as it is staged in local memory, so the inner loop runs on floats.
     */
    public static void linearTiled16(KernelContext ctx, FloatArray x, int in, IntArray wp, FloatArray decode,
                                     FloatArray b, int hasBias, int out, FloatArray y, int rows) {
        int lx = ctx.localIdx, ly = ctx.localIdy;
        int o = ctx.groupIdx * LIN_TILE + lx;
        int r0 = ctx.groupIdy * (LIN_TILE * LIN_ROWS);
        float[] xs = ctx.allocateFloatLocalArray(LIN_TILE * LIN_ROWS * LIN_TILE);
        float[] ws = ctx.allocateFloatLocalArray(LIN_TILE * (LIN_TILE + 1));
        float acc0 = 0f, acc1 = 0f, acc2 = 0f, acc3 = 0f;
        int wRow = ctx.groupIdx * LIN_TILE + ly;
        for (int k0 = 0; k0 < in; k0 += LIN_TILE) {
            int k = k0 + lx;
            for (int j = 0; j < LIN_ROWS; j++) {
                int rr = ly * LIN_ROWS + j, r = r0 + rr;
                xs[rr * LIN_TILE + lx] = (r < rows && k < in) ? x.get(r * in + k) : 0f;
            }
            int wi = wRow * in + k;
            ws[lx * (LIN_TILE + 1) + ly] = (wRow < out && k < in) ? decode.get(code16(wp.get(wi >> 1), wi)) : 0f;
            ctx.localBarrier();
            int kn = Math.min(LIN_TILE, in - k0);
            int xb = ly * LIN_ROWS * LIN_TILE;
            for (int kk = 0; kk < kn; kk++) {
                float wv = ws[kk * (LIN_TILE + 1) + lx];
                acc0 += xs[xb + kk] * wv;
                acc1 += xs[xb + LIN_TILE + kk] * wv;
                acc2 += xs[xb + 2 * LIN_TILE + kk] * wv;
                acc3 += xs[xb + 3 * LIN_TILE + kk] * wv;
            }
            ctx.localBarrier();
        }
        if (o < out) {
            float bias = hasBias != 0 ? b.get(o) : 0f;
            int r = r0 + ly * LIN_ROWS;
            if (r < rows) y.set(r * out + o, hasBias != 0 ? acc0 + bias : acc0);
            if (r + 1 < rows) y.set((r + 1) * out + o, hasBias != 0 ? acc1 + bias : acc1);
            if (r + 2 < rows) y.set((r + 2) * out + o, hasBias != 0 ? acc2 + bias : acc2);
            if (r + 3 < rows) y.set((r + 3) * out + o, hasBias != 0 ? acc3 + bias : acc3);
        }
    }

    public static void layerNorm(FloatArray x, int dim, FloatArray gamma, FloatArray beta, int affine, float eps,
                                 FloatArray y, int rows) {
        for (@Parallel int r = 0; r < rows; r++) {
            int o = r * dim;
            float mean = 0f;
            for (int i = 0; i < dim; i++) mean += x.get(o + i);
            mean /= dim;
            float var = 0f;
            for (int i = 0; i < dim; i++) {
                float d = x.get(o + i) - mean;
                var += d * d;
            }
            var /= dim;
            float inv = 1f / (float) Math.sqrt(var + eps);
            for (int i = 0; i < dim; i++) {
                float v = (x.get(o + i) - mean) * inv;
                y.set(o + i, affine != 0 ? v * gamma.get(i) + beta.get(i) : v);
            }
        }
    }

    public static void rmsNorm(FloatArray x, int dim, FloatArray gamma, float eps, FloatArray y, int rows) {
        for (@Parallel int r = 0; r < rows; r++) {
            int o = r * dim;
            float ms = 0f;
            for (int i = 0; i < dim; i++) ms += x.get(o + i) * x.get(o + i);
            ms /= dim;
            float inv = 1f / (float) Math.sqrt(ms + eps);
            for (int i = 0; i < dim; i++) y.set(o + i, x.get(o + i) * inv * gamma.get(i));
        }
    }

    public static void silu(FloatArray x, FloatArray y, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            float v = x.get(i);
            y.set(i, v / (1f + (float) Math.exp(-v)));
        }
    }

    public static void mish(FloatArray x, FloatArray y, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            float v = x.get(i);
            double e = Math.exp(v);
            float sp = v > 20f ? v : (float) (e < 1e-4 ? e * (1.0 - e * (0.5 - e / 3.0)) : Math.log(1.0 + e));
            y.set(i, v * (float) Math.tanh(sp));
        }
    }

    public static void geluErf(FloatArray x, FloatArray y, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            float v = x.get(i);
            y.set(i, (float) (0.5 * v * (1.0 + Erf.erf(v * 0.7071067811865476))));
        }
    }

    public static void geluTanh(FloatArray x, FloatArray y, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            float v = x.get(i);
            float inner = 0.7978845608028654f * (v + 0.044715f * v * v * v);
            y.set(i, 0.5f * v * (1f + (float) Math.tanh(inner)));
        }
    }

    public static void add(FloatArray a, FloatArray b, FloatArray y, int n) {
        for (@Parallel int i = 0; i < n; i++) y.set(i, a.get(i) + b.get(i));
    }

    public static void mul(FloatArray a, FloatArray b, FloatArray y, int n) {
        for (@Parallel int i = 0; i < n; i++) y.set(i, a.get(i) * b.get(i));
    }

    /** One work item per (output position, output channel). */
    public static void conv1d(FloatArray x, int len, int cin, FloatArray w, FloatArray b, int hasBias, int cout,
                              int k, int groups, int pad, FloatArray y, int positions) {
        for (@Parallel int p = 0; p < positions; p++) {
            for (@Parallel int oc = 0; oc < cout; oc++) {
                int cinG = cin / groups, coutG = cout / groups;
                int bi = p / len, t = p % len;
                int xb = bi * len * cin;
                int g = oc / coutG;
                float acc = hasBias != 0 ? b.get(oc) : 0f;
                int wo = oc * cinG * k;
                for (int j = 0; j < k; j++) {
                    int ts = t + j - pad;
                    if (ts >= 0 && ts < len) {
                        int xo = xb + ts * cin + g * cinG;
                        for (int ic = 0; ic < cinG; ic++) acc += w.get(wo + ic * k + j) * x.get(xo + ic);
                    }
                }
                y.set(p * cout + oc, acc);
            }
        }
    }

    /** One work item per (batch, head, query row), online softmax as in {@link Kernels#attention}. */
    public static void attention(FloatArray q, FloatArray k, FloatArray v, int len, int heads, int dh,
                                 FloatArray keyMask, int hasMask, FloatArray out, int rows) {
        for (@Parallel int idx = 0; idx < rows; idx++) {
            int width = heads * dh;
            float scale = 1f / (float) Math.sqrt(dh);
            int bi = idx / (heads * len);
            int rem = idx % (heads * len);
            int h = rem / len, i = rem % len;
            int qo = (bi * len + i) * width + h * dh;
            for (int d = 0; d < dh; d++) out.set(qo + d, 0f);
            float max = Float.NEGATIVE_INFINITY, sum = 0f;
            for (int j = 0; j < len; j++) {
                if (hasMask == 0 || keyMask.get(bi * len + j) != 0f) {
                    int ko = (bi * len + j) * width + h * dh;
                    float s = 0f;
                    for (int d = 0; d < dh; d++) s += q.get(qo + d) * k.get(ko + d);
                    s *= scale;
                    if (s > max) {
                        float c = (float) Math.exp(max - s);
                        sum *= c;
                        for (int d = 0; d < dh; d++) out.set(qo + d, out.get(qo + d) * c);
                        max = s;
                    }
                    float p = (float) Math.exp(s - max);
                    sum += p;
                    for (int d = 0; d < dh; d++) out.set(qo + d, out.get(qo + d) + p * v.get(ko + d));
                }
            }
            float inv = sum > 0f ? 1f / sum : 0f;
            for (int d = 0; d < dh; d++) out.set(qo + d, out.get(qo + d) * inv);
        }
    }

    // ---- DiT (twins of the Kernels the dit area added) ----

    public static void gatherRows(FloatArray table, int dim, IntArray ids, FloatArray y, int rows) {
        for (@Parallel int r = 0; r < rows; r++) {
            for (@Parallel int i = 0; i < dim; i++) y.set(r * dim + i, table.get(ids.get(r) * dim + i));
        }
    }

    public static void zeroRows(FloatArray x, int dim, FloatArray keep, int rows) {
        for (@Parallel int r = 0; r < rows; r++) {
            if (keep.get(r) == 0f) {
                for (int i = 0; i < dim; i++) x.set(r * dim + i, 0f);
            }
        }
    }

    /** One work item per output value (row, column); absent parts have width 0 and are never read. */
    public static void concatLast(FloatArray a, int da, FloatArray b, int db, int bZero, FloatArray c, int dc,
                                  FloatArray y, int rows) {
        int w = da + db + dc;
        for (@Parallel int r = 0; r < rows; r++) {
            for (@Parallel int j = 0; j < w; j++) {
                float v;
                if (j < da) v = a.get(r * da + j);
                else if (j < da + db) v = bZero != 0 ? 0f : b.get(r * db + j - da);
                else v = c.get(r * dc + j - da - db);
                y.set(r * w + j, v);
            }
        }
    }

    public static void modulate(FloatArray x, int len, int dim, FloatArray emb, int embWidth, int scaleOff,
                                int shiftOff, FloatArray y, int rows) {
        for (@Parallel int r = 0; r < rows; r++) {
            for (@Parallel int i = 0; i < dim; i++) {
                int eo = (r / len) * embWidth, o = r * dim;
                y.set(o + i, x.get(o + i) * (1f + emb.get(eo + scaleOff + i)) + emb.get(eo + shiftOff + i));
            }
        }
    }

    public static void gatedAdd(FloatArray x, FloatArray y, int len, int dim, FloatArray emb, int embWidth,
                                int gateOff, int rows) {
        for (@Parallel int r = 0; r < rows; r++) {
            for (@Parallel int i = 0; i < dim; i++) {
                int eo = (r / len) * embWidth + gateOff, o = r * dim;
                x.set(o + i, x.get(o + i) + emb.get(eo + i) * y.get(o + i));
            }
        }
    }

    /** Sequential over channels within a batch (the mean over channels needs all of them). */
    public static void grnScale(FloatArray x, int len, int dim, FloatArray nx, int batch) {
        for (@Parallel int b = 0; b < batch; b++) {
            int xo = b * len * dim, no = b * dim;
            float mean = 0f;
            for (int d = 0; d < dim; d++) {
                float ss = 0f;
                for (int t = 0; t < len; t++) {
                    float v = x.get(xo + t * dim + d);
                    ss += v * v;
                }
                float g = (float) Math.sqrt(ss);
                nx.set(no + d, g);
                mean += g;
            }
            mean /= dim;
            float den = mean + 1e-6f;
            for (int d = 0; d < dim; d++) nx.set(no + d, nx.get(no + d) / den);
        }
    }

    public static void grnApply(FloatArray x, int len, int dim, FloatArray nx, FloatArray gamma, FloatArray beta,
                                FloatArray y, int rows) {
        for (@Parallel int r = 0; r < rows; r++) {
            for (@Parallel int d = 0; d < dim; d++) {
                int o = r * dim, no = (r / len) * dim;
                float v = x.get(o + d);
                y.set(o + d, gamma.get(d) * (v * nx.get(no + d)) + beta.get(d) + v);
            }
        }
    }

    public static void angleTable(FloatArray invFreq, int halfDim, FloatArray cos, FloatArray sin, int len) {
        for (@Parallel int p = 0; p < len; p++) {
            for (@Parallel int k = 0; k < halfDim; k++) {
                float a = (float) p * invFreq.get(k);
                cos.set(p * halfDim + k, (float) Math.cos(a));
                sin.set(p * halfDim + k, (float) Math.sin(a));
            }
        }
    }

    public static void addCosSin(FloatArray x, int len, int halfDim, FloatArray cos, FloatArray sin, IntArray validLen,
                                 int rows) {
        for (@Parallel int r = 0; r < rows; r++) {
            int p = r % len;
            if (p < validLen.get(r / len)) {
                int o = r * 2 * halfDim, t = p * halfDim;
                for (int k = 0; k < halfDim; k++) {
                    x.set(o + k, x.get(o + k) + cos.get(t + k));
                    x.set(o + halfDim + k, x.get(o + halfDim + k) + sin.get(t + k));
                }
            }
        }
    }

    public static void rotary(FloatArray x, int len, int heads, int dh, int ropeHeads, FloatArray cos,
                              FloatArray sin, int rows) {
        for (@Parallel int r = 0; r < rows; r++) {
            int halfDim = dh / 2;
            int t = (r % len) * halfDim;
            for (int h = 0; h < ropeHeads; h++) {
                int o = r * heads * dh + h * dh;
                for (int k = 0; k < halfDim; k++) {
                    float c = cos.get(t + k), s = sin.get(t + k);
                    float a = x.get(o + 2 * k), b = x.get(o + 2 * k + 1);
                    x.set(o + 2 * k, a * c + (-b) * s);
                    x.set(o + 2 * k + 1, b * c + a * s);
                }
            }
        }
    }

    public static void timestepSinusoid(FloatArray time, float scale, FloatArray freqs, int halfDim, FloatArray y,
                                        int batch) {
        for (@Parallel int b = 0; b < batch; b++) {
            float st = scale * time.get(b);
            for (int k = 0; k < halfDim; k++) {
                float a = st * freqs.get(k);
                y.set(b * 2 * halfDim + k, (float) Math.sin(a));
                y.set(b * 2 * halfDim + halfDim + k, (float) Math.cos(a));
            }
        }
    }

    public static void addScaled(FloatArray a, FloatArray b, float s, FloatArray y, int n) {
        for (@Parallel int i = 0; i < n; i++) y.set(i, a.get(i) + b.get(i) * s);
    }

    public static void cfgCombine(FloatArray packed, int halfDim, float cfg, FloatArray y) {
        for (@Parallel int i = 0; i < halfDim; i++) {
            float p = packed.get(i);
            y.set(i, p + (p - packed.get(halfDim + i)) * cfg);
        }
    }

    // ---- work-group kernels: attention, norms, GRN (KernelContext; each tested against its plain twin) ----

    /** Queries per work-group and keys per K/V tile of {@link #attentionFlash}; largest head size it takes. */
    public static final int ATT_Q = 32, ATT_K = 32, ATT_DH = 64;

    /**
     * {@link #attention} for a GPU (flash attention): a work-group of ATT_Q work-items takes ATT_Q
     * consecutive queries of one (batch, head); it stages their q rows, then per tile of ATT_K keys the K
     * and V rows and the tile's key mask, in local memory with coalesced loads (consecutive work-items read
     * consecutive floats of a row). Each work-item keeps its query's running max and sum in registers and
     * its output accumulators in a local row; q and accumulator rows are dh + 1 floats apart, so the
     * work-items of a warp hit different banks, while all read the same key (a broadcast). Per query it
     * does the plain kernel's arithmetic in its order (keys in order, skipping masked ones; dimensions in
     * order), so it equals {@link #attention} bit for bit on the JVM. Needs dh <= ATT_DH. Grid: global
     * (ceil(len/ATT_Q)*ATT_Q, batch*heads), local (ATT_Q, 1).
     */
    public static void attentionFlash(KernelContext ctx, FloatArray q, FloatArray k, FloatArray v, int len, int heads,
                                      int dh, FloatArray keyMask, int hasMask, FloatArray out) {
        int lx = ctx.localIdx;
        int i0 = ctx.groupIdx * ATT_Q, i = i0 + lx;
        int bi = ctx.groupIdy / heads, h = ctx.groupIdy % heads;
        int width = heads * dh;
        float scale = 1f / (float) Math.sqrt(dh);
        float[] qs = ctx.allocateFloatLocalArray(ATT_Q * (ATT_DH + 1));  // [query][d], rows dh + 1 apart
        float[] acc = ctx.allocateFloatLocalArray(ATT_Q * (ATT_DH + 1)); // [query][d]
        float[] ks = ctx.allocateFloatLocalArray(ATT_K * ATT_DH);  // [key][d], dh floats per key
        float[] vs = ctx.allocateFloatLocalArray(ATT_K * ATT_DH);
        float[] kept = ctx.allocateFloatLocalArray(ATT_K);
        int qn = Math.min(ATT_Q, len - i0);
        for (int e = lx; e < ATT_Q * dh; e += ATT_Q) { // rows past len as zeros: every work-item runs alike
            int qq = e / dh, d = e % dh;
            qs[qq * (dh + 1) + d] = qq < qn ? q.get((bi * len + i0 + qq) * width + h * dh + d) : 0f;
        }
        int qo = lx * (dh + 1); // this work-item's query row in qs and acc
        for (int d = 0; d < dh; d++) acc[qo + d] = 0f;
        float max = Float.NEGATIVE_INFINITY, sum = 0f;
        for (int j0 = 0; j0 < len; j0 += ATT_K) {
            int kn = Math.min(ATT_K, len - j0);
            for (int e = lx; e < kn * dh; e += ATT_Q) {
                int ko = (bi * len + j0 + e / dh) * width + h * dh + e % dh;
                ks[e] = k.get(ko);
                vs[e] = v.get(ko);
            }
            for (int jj = lx; jj < kn; jj += ATT_Q) kept[jj] = hasMask == 0 ? 1f : keyMask.get(bi * len + j0 + jj);
            ctx.localBarrier();
            for (int jj = 0; jj < kn; jj++) {
                if (hasMask == 0 || kept[jj] != 0f) {
                    float s = 0f;
                    for (int d = 0; d < dh; d++) s += qs[qo + d] * ks[jj * dh + d];
                    s *= scale;
                    if (s > max) { // rare after the first keys: a branch costs a warp less than rescaling always
                        float c = (float) Math.exp(max - s);
                        sum *= c;
                        for (int d = 0; d < dh; d++) acc[qo + d] = acc[qo + d] * c;
                        max = s;
                    }
                    float p = (float) Math.exp(s - max);
                    sum += p;
                    for (int d = 0; d < dh; d++) acc[qo + d] = acc[qo + d] + p * vs[jj * dh + d];
                }
            }
            ctx.localBarrier(); // the tile is read by all before the next one overwrites it
        }
        if (i < len) {
            float inv = sum > 0f ? 1f / sum : 0f;
            int oo = (bi * len + i) * width + h * dh;
            for (int d = 0; d < dh; d++) out.set(oo + d, acc[qo + d] * inv);
        }
    }

    /** Work-items per row (one work-group per row) of {@link #layerNormGroup} and {@link #rmsNormGroup}. */
    public static final int NORM_WG = 128;

    /**
     * {@link #layerNorm} with one work-group of NORM_WG work-items per row: each work-item sums a strided
     * slice of the row, a tree in local memory adds the partial sums (mean, then the squared deviations),
     * and the normalisation is spread over the work-items. The sums are added in another order than the
     * plain kernel's, so mean and variance may differ in the last bits (tested with a derived tolerance);
     * the normalisation itself is the plain kernel's expression. Grid: global (NORM_WG, rows), local
     * (NORM_WG, 1).
     */
    public static void layerNormGroup(KernelContext ctx, FloatArray x, int dim, FloatArray gamma, FloatArray beta,
                                      int affine, float eps, FloatArray y) {
        int lx = ctx.localIdx, o = ctx.groupIdy * dim;
        float[] part = ctx.allocateFloatLocalArray(NORM_WG);
        float s = 0f;
        for (int i = lx; i < dim; i += NORM_WG) s += x.get(o + i);
        part[lx] = s;
        ctx.localBarrier();
        for (int stride = NORM_WG / 2; stride > 0; stride >>= 1) {
            if (lx < stride) part[lx] = part[lx] + part[lx + stride];
            ctx.localBarrier();
        }
        float mean = part[0] / dim;
        ctx.localBarrier(); // all have read part[0] before it is reused
        float sq = 0f;
        for (int i = lx; i < dim; i += NORM_WG) {
            float d = x.get(o + i) - mean;
            sq += d * d;
        }
        part[lx] = sq;
        ctx.localBarrier();
        for (int stride = NORM_WG / 2; stride > 0; stride >>= 1) {
            if (lx < stride) part[lx] = part[lx] + part[lx + stride];
            ctx.localBarrier();
        }
        float inv = 1f / (float) Math.sqrt(part[0] / dim + eps);
        for (int i = lx; i < dim; i += NORM_WG) {
            float v = (x.get(o + i) - mean) * inv;
            y.set(o + i, affine != 0 ? v * gamma.get(i) + beta.get(i) : v);
        }
    }

    /** {@link #rmsNorm} as {@link #layerNormGroup} does it: one work-group per row, a tree for the sum of squares. */
    public static void rmsNormGroup(KernelContext ctx, FloatArray x, int dim, FloatArray gamma, float eps,
                                    FloatArray y) {
        int lx = ctx.localIdx, o = ctx.groupIdy * dim;
        float[] part = ctx.allocateFloatLocalArray(NORM_WG);
        float s = 0f;
        for (int i = lx; i < dim; i += NORM_WG) s += x.get(o + i) * x.get(o + i);
        part[lx] = s;
        ctx.localBarrier();
        for (int stride = NORM_WG / 2; stride > 0; stride >>= 1) {
            if (lx < stride) part[lx] = part[lx] + part[lx + stride];
            ctx.localBarrier();
        }
        float inv = 1f / (float) Math.sqrt(part[0] / dim + eps);
        for (int i = lx; i < dim; i += NORM_WG) y.set(o + i, x.get(o + i) * inv * gamma.get(i));
    }

    /**
     * First part of {@link #grnScale} spread out: one work-item per (batch, channel) sums the squares over
     * time, in the plain kernel's order (consecutive work-items read consecutive channels), and stores the
     * L2 norm in nx; {@link #grnNormalize} then divides by the mean over channels.
     */
    public static void grnSumSquares(FloatArray x, int len, int dim, FloatArray nx, int batch) {
        for (@Parallel int b = 0; b < batch; b++) {
            for (@Parallel int d = 0; d < dim; d++) {
                int xo = b * len * dim + d;
                float ss = 0f;
                for (int t = 0; t < len; t++) {
                    float v = x.get(xo + t * dim);
                    ss += v * v;
                }
                nx.set(b * dim + d, (float) Math.sqrt(ss));
            }
        }
    }

    /** Second part of {@link #grnScale}: per batch item the mean of the norms (channels in order, 2*dim flops). */
    public static void grnNormalize(FloatArray nx, int dim, int batch) {
        for (@Parallel int b = 0; b < batch; b++) {
            int no = b * dim;
            float mean = 0f;
            for (int d = 0; d < dim; d++) mean += nx.get(no + d);
            mean /= dim;
            float den = mean + 1e-6f;
            for (int d = 0; d < dim; d++) nx.set(no + d, nx.get(no + d) / den);
        }
    }

    /** Out channels by positions per work-group of {@link #conv1dTiled}: CONV_TILE by CONV_TILE * CONV_ROWS. */
    public static final int CONV_TILE = 16, CONV_ROWS = 4;

    /**
     * {@link #conv1d} for a GPU, for groups of at least a few channels (ConvPositionEmbedding: k 31, 16
     * groups; the Vocos embedding): a work-group of 16 x 16 work-items computes 64 positions x 16 out
     * channels of one group and one batch item. Per tap j and 16-wide slice of the group's in channels it
     * stages the 64 shifted x rows (coalesced) and the 16 x 16 weights in local memory, then each work-item
     * adds them into 4 positions of its channel from local memory, as linearTiled does. Every output still
     * starts from its bias and adds taps in order, in channels in order, skipping taps that fall in the
     * padding, so it equals {@link #conv1d} bit for bit on the JVM. Grid: global (groups *
     * ceil(coutG/16) * 16, batch * ceil(len/64) * 16), local (16, 16).
     */
    public static void conv1dTiled(KernelContext ctx, FloatArray x, int len, int cin, FloatArray w, FloatArray b,
                                   int hasBias, int cout, int k, int groups, int pad, FloatArray y) {
        int lx = ctx.localIdx, ly = ctx.localIdy;
        int cinG = cin / groups, coutG = cout / groups;
        int tilesPerGroup = (coutG + CONV_TILE - 1) / CONV_TILE;
        int tilesPerItem = (len + CONV_TILE * CONV_ROWS - 1) / (CONV_TILE * CONV_ROWS);
        int g = ctx.groupIdx / tilesPerGroup, ocEnd = (g + 1) * coutG;
        int oc0 = g * coutG + (ctx.groupIdx % tilesPerGroup) * CONV_TILE, oc = oc0 + lx, wOc = oc0 + ly;
        int bi = ctx.groupIdy / tilesPerItem, t0 = (ctx.groupIdy % tilesPerItem) * (CONV_TILE * CONV_ROWS);
        int r0 = t0 + ly * CONV_ROWS; // this work-item's first position
        float[] xs = ctx.allocateFloatLocalArray(CONV_TILE * CONV_ROWS * CONV_TILE); // [64 positions][16 channels]
        float[] ws = ctx.allocateFloatLocalArray(CONV_TILE * (CONV_TILE + 1));       // [16 channels][16 outs], padded
        float bias = hasBias != 0 && oc < ocEnd ? b.get(oc) : 0f;
        float acc0 = bias, acc1 = bias, acc2 = bias, acc3 = bias;
        int xb = ly * CONV_ROWS * CONV_TILE;
        for (int j = 0; j < k; j++) {
            int ts = r0 + j - pad; // the input position of this work-item's first row at tap j
            boolean in0 = ts >= 0 && ts < len, in1 = ts + 1 >= 0 && ts + 1 < len;
            boolean in2 = ts + 2 >= 0 && ts + 2 < len, in3 = ts + 3 >= 0 && ts + 3 < len;
            for (int c0 = 0; c0 < cinG; c0 += CONV_TILE) {
                int ic = c0 + lx;
                for (int jr = 0; jr < CONV_ROWS; jr++) {
                    int rr = ly * CONV_ROWS + jr, tt = t0 + rr + j - pad;
                    xs[rr * CONV_TILE + lx] = tt >= 0 && tt < len && ic < cinG
                            ? x.get((bi * len + tt) * cin + g * cinG + ic) : 0f;
                }
                ws[lx * (CONV_TILE + 1) + ly] = wOc < ocEnd && ic < cinG ? w.get((wOc * cinG + ic) * k + j) : 0f;
                ctx.localBarrier();
                int kn = Math.min(CONV_TILE, cinG - c0); // only real terms, as in linearTiled
                // A tap in the padding adds -0.0f, which leaves any sum as it is (the plain kernel skips it).
                // A select, not a branch: the compiler would unswitch the loop around the barriers on it.
                for (int kk = 0; kk < kn; kk++) {
                    float wv = ws[kk * (CONV_TILE + 1) + lx];
                    acc0 += in0 ? wv * xs[xb + kk] : -0f;
                    acc1 += in1 ? wv * xs[xb + CONV_TILE + kk] : -0f;
                    acc2 += in2 ? wv * xs[xb + 2 * CONV_TILE + kk] : -0f;
                    acc3 += in3 ? wv * xs[xb + 3 * CONV_TILE + kk] : -0f;
                }
                ctx.localBarrier();
            }
        }
        if (oc < ocEnd) {
            int yo = (bi * len + r0) * cout + oc;
            if (r0 < len) y.set(yo, acc0);
            if (r0 + 1 < len) y.set(yo + cout, acc1);
            if (r0 + 2 < len) y.set(yo + 2 * cout, acc2);
            if (r0 + 3 < len) y.set(yo + 3 * cout, acc3);
        }
    }

    // ---- audio/Vocos ----

    public static void scaleLast(FloatArray x, int dim, FloatArray g, FloatArray y, int rows) {
        for (@Parallel int r = 0; r < rows; r++) {
            for (@Parallel int i = 0; i < dim; i++) y.set(r * dim + i, x.get(r * dim + i) * g.get(i));
        }
    }

    public static void polarSpectrum(FloatArray x, int bins, float maxMag, FloatArray re, FloatArray im, int rows) {
        for (@Parallel int r = 0; r < rows; r++) {
            for (@Parallel int k = 0; k < bins; k++) {
                int xo = r * 2 * bins, o = r * bins;
                float mag = Math.min((float) Math.exp(x.get(xo + k)), maxMag);
                float p = x.get(xo + bins + k);
                re.set(o + k, mag * (float) Math.cos(p));
                im.set(o + k, mag * (float) Math.sin(p));
            }
        }
    }
}

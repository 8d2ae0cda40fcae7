package f5j.compute;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API versions of the hot {@link Kernels}, for the host only (TornadoVM cannot compile these; the
 * plain kernels stay the reference). Same contracts: flat arrays, caller-owned outputs, [from, to) ranges
 * of an outer loop so a caller can split the work across threads. Scratch buffers are passed in.
 * Results differ from the plain kernels only by float summation order and the polynomial exp, and are
 * the same bits on every run (see the helpers below).
 */
public final class SimdKernels {
    private SimdKernels() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

    // ------------------------------------------------------------------ deterministic vector helpers
    // The Vector API leaves the order of a float ADD reduction unspecified and computes lanewise EXP/TANH
    // differently interpreted and JIT-compiled, so results would drift with JIT state. These use only
    // IEEE add/mul/fma, conversions and lane reads in a fixed order: the same bits every run.

    /** Sum of the lanes, first to last. */
    static float sum(FloatVector v) {
        float s = 0f;
        for (int i = 0; i < L; i++) s += v.lane(i);
        return s;
    }

    private static final float EXP_HI = 88.3762626647949f, EXP_LO = -87.3365447504f;

    /**
     * e^x as Cephes' expf (range reduction by ln 2 in two parts, degree-6 polynomial, 2^n through the
     * exponent bits), within about 1 ulp; 0 below e^-87.34 (no subnormals), clamped at e^88.38.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_LO).min(EXP_HI);
        // floor(x log2 e + 0.5), through truncation of a positive value
        FloatVector fx = xc.fma(1.44269504088896341f, 0.5f + 128f);
        var n = fx.convert(VectorOperators.F2I, 0).reinterpretAsInts();
        FloatVector nf = ((FloatVector) n.convert(VectorOperators.I2F, 0)).sub(128f);
        FloatVector r = nf.fma(FloatVector.broadcast(S, -0.693359375f), xc).add(nf.mul(2.12194440e-4f));
        FloatVector p = r.fma(1.9875691500E-4f, 1.3981999507E-3f).fma(r, FloatVector.broadcast(S, 8.3334519073E-3f))
                .fma(r, FloatVector.broadcast(S, 4.1665795894E-2f)).fma(r, FloatVector.broadcast(S, 1.6666665459E-1f))
                .fma(r, FloatVector.broadcast(S, 5.0000001201E-1f));
        p = p.mul(r.mul(r)).add(r).add(1f);
        FloatVector pow2 = n.sub(1).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats(); // (n - 128 + 127) << 23
        return p.mul(pow2).blend(0f, x.compare(VectorOperators.LT, EXP_LO));
    }

    // ---------------------------------------------------------------------------------------------- GEMM

    /** Rows of the register tile in {@link #linear}. */
    public static final int MR = 6;
    /** Columns of the register tile (two vectors). Column ranges handed to {@link #linear} start at multiples of it. */
    public static final int NR = 2 * L;
    /** Depth of one packed block of the weight (keeps a KC x NR weight panel in L1). */
    public static final int KC = 256;

    /** Floats of packing scratch {@link #linear} needs for a column range of {@code cols} outputs. */
    public static int linearScratch(int cols) { return KC * ((cols + NR - 1) / NR * NR); }

    /**
     * y[r, o] = x[r, :] . w[o, :] + b[o] for all rows r and the outputs o in [colFrom, colTo) (colFrom a
     * multiple of {@link #NR}). The weight (PyTorch out x in) is packed block by block into {@code pack}
     * (at least {@link #linearScratch}(colTo - colFrom) floats) as panels of NR outputs, so the micro-kernel
     * reads it contiguously; the packing is O(in * out), the product O(rows * in * out).
     */
    public static void linear(float[] x, int rows, int in, float[] w, float[] b, boolean hasBias, int out,
                              float[] y, int colFrom, int colTo, float[] pack) {
        int cols = colTo - colFrom;
        int panels = (cols + NR - 1) / NR;
        for (int pc = 0; pc < in; pc += KC) {
            int kc = Math.min(KC, in - pc);
            packPanels(w, in, colFrom, colTo, pc, kc, panels, pack);
            boolean first = pc == 0;
            for (int p = 0; p < panels; p++) {
                int col = colFrom + p * NR;
                int valid = Math.min(NR, colTo - col);
                int po = p * kc * NR;
                int r = 0;
                if (valid == NR) {
                    for (; r + MR <= rows; r += MR) tile6x2(x, in, pc, kc, pack, po, b, hasBias, first, y, out, r, col);
                }
                for (; r < rows; r++) row1(x, in, pc, kc, pack, po, b, hasBias, first, y, out, r, col, valid);
            }
        }
    }

    private static void packPanels(float[] w, int in, int colFrom, int colTo, int pc, int kc, int panels, float[] pack) {
        for (int p = 0; p < panels; p++) {
            int po = p * kc * NR;
            for (int j = 0; j < NR; j++) {
                int col = colFrom + p * NR + j;
                if (col < colTo) {
                    int wo = col * in + pc;
                    for (int k = 0; k < kc; k++) pack[po + k * NR + j] = w[wo + k];
                } else {
                    for (int k = 0; k < kc; k++) pack[po + k * NR + j] = 0f;
                }
            }
        }
    }

    /** The 6 x 2-vector register tile: rows r..r+5, columns col..col+NR. */
    private static void tile6x2(float[] x, int in, int pc, int kc, float[] pack, int po, float[] b, boolean hasBias,
                                boolean first, float[] y, int out, int r, int col) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        int y0 = r * out + col, y1 = y0 + out, y2 = y1 + out, y3 = y2 + out, y4 = y3 + out, y5 = y4 + out;
        if (first) {
            if (hasBias) {
                FloatVector b0 = FloatVector.fromArray(S, b, col), b1 = FloatVector.fromArray(S, b, col + L);
                c00 = b0; c10 = b0; c20 = b0; c30 = b0; c40 = b0; c50 = b0;
                c01 = b1; c11 = b1; c21 = b1; c31 = b1; c41 = b1; c51 = b1;
            } else {
                FloatVector z = FloatVector.zero(S);
                c00 = z; c10 = z; c20 = z; c30 = z; c40 = z; c50 = z;
                c01 = z; c11 = z; c21 = z; c31 = z; c41 = z; c51 = z;
            }
        } else {
            c00 = FloatVector.fromArray(S, y, y0); c01 = FloatVector.fromArray(S, y, y0 + L);
            c10 = FloatVector.fromArray(S, y, y1); c11 = FloatVector.fromArray(S, y, y1 + L);
            c20 = FloatVector.fromArray(S, y, y2); c21 = FloatVector.fromArray(S, y, y2 + L);
            c30 = FloatVector.fromArray(S, y, y3); c31 = FloatVector.fromArray(S, y, y3 + L);
            c40 = FloatVector.fromArray(S, y, y4); c41 = FloatVector.fromArray(S, y, y4 + L);
            c50 = FloatVector.fromArray(S, y, y5); c51 = FloatVector.fromArray(S, y, y5 + L);
        }
        int x0 = r * in + pc, x1 = x0 + in, x2 = x1 + in, x3 = x2 + in, x4 = x3 + in, x5 = x4 + in;
        for (int k = 0; k < kc; k++) {
            int bo = po + k * NR;
            FloatVector b0 = FloatVector.fromArray(S, pack, bo), b1 = FloatVector.fromArray(S, pack, bo + L);
            FloatVector a = FloatVector.broadcast(S, x[x0 + k]);
            c00 = b0.fma(a, c00); c01 = b1.fma(a, c01);
            a = FloatVector.broadcast(S, x[x1 + k]);
            c10 = b0.fma(a, c10); c11 = b1.fma(a, c11);
            a = FloatVector.broadcast(S, x[x2 + k]);
            c20 = b0.fma(a, c20); c21 = b1.fma(a, c21);
            a = FloatVector.broadcast(S, x[x3 + k]);
            c30 = b0.fma(a, c30); c31 = b1.fma(a, c31);
            a = FloatVector.broadcast(S, x[x4 + k]);
            c40 = b0.fma(a, c40); c41 = b1.fma(a, c41);
            a = FloatVector.broadcast(S, x[x5 + k]);
            c50 = b0.fma(a, c50); c51 = b1.fma(a, c51);
        }
        c00.intoArray(y, y0); c01.intoArray(y, y0 + L);
        c10.intoArray(y, y1); c11.intoArray(y, y1 + L);
        c20.intoArray(y, y2); c21.intoArray(y, y2 + L);
        c30.intoArray(y, y3); c31.intoArray(y, y3 + L);
        c40.intoArray(y, y4); c41.intoArray(y, y4 + L);
        c50.intoArray(y, y5); c51.intoArray(y, y5 + L);
    }

    /** One row against one (possibly partial: {@code valid} columns) panel. */
    private static void row1(float[] x, int in, int pc, int kc, float[] pack, int po, float[] b, boolean hasBias,
                             boolean first, float[] y, int out, int r, int col, int valid) {
        VectorMask<Float> m0 = S.indexInRange(0, valid), m1 = S.indexInRange(L, valid);
        int yo = r * out + col;
        FloatVector c0, c1;
        if (first) {
            c0 = hasBias ? FloatVector.fromArray(S, b, col, m0) : FloatVector.zero(S);
            c1 = hasBias ? FloatVector.fromArray(S, b, col + L, m1) : FloatVector.zero(S);
        } else {
            c0 = FloatVector.fromArray(S, y, yo, m0);
            c1 = FloatVector.fromArray(S, y, yo + L, m1);
        }
        int xo = r * in + pc;
        for (int k = 0; k < kc; k++) {
            FloatVector a = FloatVector.broadcast(S, x[xo + k]);
            c0 = FloatVector.fromArray(S, pack, po + k * NR).fma(a, c0);
            c1 = FloatVector.fromArray(S, pack, po + k * NR + L).fma(a, c1);
        }
        c0.intoArray(y, yo, m0);
        c1.intoArray(y, yo + L, m1);
    }

    /**
     * The same product for few rows (memory-bound: each weight row is used {@code rows} times), reading
     * the weight in place; parallel over outputs [colFrom, colTo).
     */
    public static void linearFewRows(float[] x, int rows, int in, float[] w, float[] b, boolean hasBias, int out,
                                     float[] y, int colFrom, int colTo) {
        int vin = in - in % L;
        for (int o = colFrom; o < colTo; o++) {
            int wo = o * in;
            for (int r = 0; r < rows; r++) {
                int xo = r * in;
                FloatVector a0 = FloatVector.zero(S), a1 = FloatVector.zero(S);
                int i = 0;
                for (; i + 2 * L <= vin; i += 2 * L) {
                    a0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, w, wo + i), a0);
                    a1 = FloatVector.fromArray(S, x, xo + i + L).fma(FloatVector.fromArray(S, w, wo + i + L), a1);
                }
                for (; i < vin; i += L) a0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, w, wo + i), a0);
                float acc = sum(a0.add(a1));
                for (; i < in; i++) acc += x[xo + i] * w[wo + i];
                y[r * out + o] = hasBias ? acc + b[o] : acc;
            }
        }
    }

    // ----------------------------------------------------------------------------------------- attention

    /** Query rows per attention block. */
    public static final int BQ = 8;
    /** Keys per online-softmax step. */
    public static final int BK = 128;

    /** Floats of scratch {@link #attention} needs per worker. */
    public static int attentionScratch(int len, int dh) {
        int lenP = (len + BK - 1) / BK * BK;
        return dh * lenP + len * dh + BQ * BK + BQ * dh + 2 * BQ;
    }

    /**
     * Softmax attention for the (batch, head) pairs [from, to) of batch * heads, flash style: per block of
     * BQ queries, keys are visited BK at a time with a running max and sum (online softmax), so only a
     * BQ x BK score tile exists. Layout as {@link Kernels#attention}; masked keys (keyMask 0) are skipped, a
     * query whose keys are all masked gets zeros. dh must be a multiple of the vector length.
     */
    public static void attention(float[] q, float[] k, float[] v, int len, int heads, int dh, float[] keyMask,
                                 boolean hasMask, float[] out, int from, int to, float[] scratch) {
        int width = heads * dh;
        int lenP = (len + BK - 1) / BK * BK;
        int kT = 0, vh = dh * lenP, st = vh + len * dh, acc = st + BQ * BK, mx = acc + BQ * dh, sm = mx + BQ;
        float scale = 1f / (float) Math.sqrt(dh);
        for (int pair = from; pair < to; pair++) {
            int bi = pair / heads, h = pair % heads;
            int base = bi * len * width + h * dh;
            // K transposed (dh x lenP, zero padded) and V contiguous (len x dh) for this head
            for (int j = 0; j < len; j++) {
                int ko = base + j * width;
                for (int d = 0; d < dh; d++) scratch[kT + d * lenP + j] = k[ko + d];
                System.arraycopy(v, ko, scratch, vh + j * dh, dh);
            }
            for (int d = 0; d < dh; d++) for (int j = len; j < lenP; j++) scratch[kT + d * lenP + j] = 0f;
            for (int i0 = 0; i0 < len; i0 += BQ) {
                int nq = Math.min(BQ, len - i0);
                for (int i = 0; i < BQ; i++) {
                    scratch[mx + i] = Float.NEGATIVE_INFINITY;
                    scratch[sm + i] = 0f;
                }
                java.util.Arrays.fill(scratch, acc, acc + BQ * dh, 0f);
                for (int j0 = 0; j0 < len; j0 += BK) {
                    int nk = Math.min(BK, len - j0);
                    scores(q, base, width, i0, nq, dh, scale, scratch, kT, lenP, j0, st);
                    for (int i = 0; i < nq; i++) {
                        softmaxStep(scratch, st + i * BK, nk, keyMask, hasMask, bi * len + j0, mx + i, sm + i,
                                acc + i * dh, dh);
                    }
                    accumulatePV(scratch, st, nq, nk, vh + j0 * dh, dh, acc);
                }
                for (int i = 0; i < nq; i++) {
                    float l = scratch[sm + i];
                    float inv = l > 0f ? 1f / l : 0f;
                    int oo = base + (i0 + i) * width;
                    for (int d = 0; d < dh; d += L) {
                        FloatVector.fromArray(S, scratch, acc + i * dh + d).mul(inv).intoArray(out, oo + d);
                    }
                }
            }
        }
    }

    /** Score tile: s[i, j] = scale * q[i0+i] . k[j0+j] for BQ query rows (rows past nq repeat the last). */
    private static void scores(float[] q, int base, int width, int i0, int nq, int dh, float scale, float[] sc,
                               int kT, int lenP, int j0, int st) {
        int q0 = base + i0 * width;
        int q1 = base + (i0 + Math.min(1, nq - 1)) * width, q2 = base + (i0 + Math.min(2, nq - 1)) * width;
        int q3 = base + (i0 + Math.min(3, nq - 1)) * width, q4 = base + (i0 + Math.min(4, nq - 1)) * width;
        int q5 = base + (i0 + Math.min(5, nq - 1)) * width, q6 = base + (i0 + Math.min(6, nq - 1)) * width;
        int q7 = base + (i0 + Math.min(7, nq - 1)) * width;
        // two key vectors per step: 16 accumulators, 2 loads + 8 broadcasts per 16 FMAs (BK is a multiple of 2L)
        for (int j = 0; j < BK; j += 2 * L) {
            FloatVector z = FloatVector.zero(S);
            FloatVector s0 = z, s1 = z, s2 = z, s3 = z, s4 = z, s5 = z, s6 = z, s7 = z;
            FloatVector u0 = z, u1 = z, u2 = z, u3 = z, u4 = z, u5 = z, u6 = z, u7 = z;
            int ko = kT + j0 + j;
            for (int d = 0; d < dh; d++) {
                int kd = ko + d * lenP;
                FloatVector kv = FloatVector.fromArray(S, sc, kd), kw = FloatVector.fromArray(S, sc, kd + L);
                FloatVector a = FloatVector.broadcast(S, q[q0 + d]);
                s0 = kv.fma(a, s0); u0 = kw.fma(a, u0);
                a = FloatVector.broadcast(S, q[q1 + d]);
                s1 = kv.fma(a, s1); u1 = kw.fma(a, u1);
                a = FloatVector.broadcast(S, q[q2 + d]);
                s2 = kv.fma(a, s2); u2 = kw.fma(a, u2);
                a = FloatVector.broadcast(S, q[q3 + d]);
                s3 = kv.fma(a, s3); u3 = kw.fma(a, u3);
                a = FloatVector.broadcast(S, q[q4 + d]);
                s4 = kv.fma(a, s4); u4 = kw.fma(a, u4);
                a = FloatVector.broadcast(S, q[q5 + d]);
                s5 = kv.fma(a, s5); u5 = kw.fma(a, u5);
                a = FloatVector.broadcast(S, q[q6 + d]);
                s6 = kv.fma(a, s6); u6 = kw.fma(a, u6);
                a = FloatVector.broadcast(S, q[q7 + d]);
                s7 = kv.fma(a, s7); u7 = kw.fma(a, u7);
            }
            int o = st + j;
            s0.mul(scale).intoArray(sc, o); u0.mul(scale).intoArray(sc, o + L);
            s1.mul(scale).intoArray(sc, o + BK); u1.mul(scale).intoArray(sc, o + BK + L);
            s2.mul(scale).intoArray(sc, o + 2 * BK); u2.mul(scale).intoArray(sc, o + 2 * BK + L);
            s3.mul(scale).intoArray(sc, o + 3 * BK); u3.mul(scale).intoArray(sc, o + 3 * BK + L);
            s4.mul(scale).intoArray(sc, o + 4 * BK); u4.mul(scale).intoArray(sc, o + 4 * BK + L);
            s5.mul(scale).intoArray(sc, o + 5 * BK); u5.mul(scale).intoArray(sc, o + 5 * BK + L);
            s6.mul(scale).intoArray(sc, o + 6 * BK); u6.mul(scale).intoArray(sc, o + 6 * BK + L);
            s7.mul(scale).intoArray(sc, o + 7 * BK); u7.mul(scale).intoArray(sc, o + 7 * BK + L);
        }
    }

    /**
     * Online softmax for one query row over nk scores at s: masks keys, updates the running max and sum,
     * rescales the row's output accumulator, and leaves the probabilities (relative to the new max) in s.
     */
    private static void softmaxStep(float[] sc, int s, int nk, float[] keyMask, boolean hasMask, int maskOff,
                                    int mxAt, int smAt, int accAt, int dh) {
        if (hasMask) {
            for (int j = 0; j < nk; j++) if (keyMask[maskOff + j] == 0f) sc[s + j] = Float.NEGATIVE_INFINITY;
        }
        for (int j = nk; j < BK; j++) sc[s + j] = Float.NEGATIVE_INFINITY;
        FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < BK; j += L) vmax = vmax.max(FloatVector.fromArray(S, sc, s + j));
        float blockMax = vmax.reduceLanes(VectorOperators.MAX);
        float old = sc[mxAt];
        float m = Math.max(old, blockMax);
        if (m == Float.NEGATIVE_INFINITY) { // every key so far masked: probabilities 0
            java.util.Arrays.fill(sc, s, s + BK, 0f);
            return;
        }
        FloatVector sum = FloatVector.zero(S);
        for (int j = 0; j < BK; j += L) {
            FloatVector p = exp(FloatVector.fromArray(S, sc, s + j).sub(m));
            p.intoArray(sc, s + j);
            sum = sum.add(p);
        }
        float corr = old == Float.NEGATIVE_INFINITY ? 0f : (float) Math.exp(old - m);
        sc[smAt] = sc[smAt] * corr + sum(sum);
        sc[mxAt] = m;
        if (corr != 1f) {
            for (int d = 0; d < dh; d += L) FloatVector.fromArray(S, sc, accAt + d).mul(corr).intoArray(sc, accAt + d);
        }
    }

    /** acc[i, :] += sum_j p[i, j] * v[j, :], four query rows at a time. */
    private static void accumulatePV(float[] sc, int st, int nq, int nk, int vo, int dh, int acc) {
        if (dh % (4 * L) == 0) {
            accumulatePV4(sc, st, nq, nk, vo, dh, acc);
            return;
        }
        for (int i = 0; i < nq; i += 4) {
            int n = Math.min(4, nq - i);
            for (int d = 0; d < dh; d += 2 * L) {
                boolean two = d + L < dh;
                FloatVector a00 = FloatVector.fromArray(S, sc, acc + i * dh + d), a01 = two ? FloatVector.fromArray(S, sc, acc + i * dh + d + L) : a00;
                int r1 = Math.min(1, n - 1), r2 = Math.min(2, n - 1), r3 = Math.min(3, n - 1);
                FloatVector a10 = FloatVector.fromArray(S, sc, acc + (i + r1) * dh + d), a11 = two ? FloatVector.fromArray(S, sc, acc + (i + r1) * dh + d + L) : a10;
                FloatVector a20 = FloatVector.fromArray(S, sc, acc + (i + r2) * dh + d), a21 = two ? FloatVector.fromArray(S, sc, acc + (i + r2) * dh + d + L) : a20;
                FloatVector a30 = FloatVector.fromArray(S, sc, acc + (i + r3) * dh + d), a31 = two ? FloatVector.fromArray(S, sc, acc + (i + r3) * dh + d + L) : a30;
                int p0 = st + i * BK, p1 = st + (i + r1) * BK, p2 = st + (i + r2) * BK, p3 = st + (i + r3) * BK;
                for (int j = 0; j < nk; j++) {
                    int vj = vo + j * dh + d;
                    FloatVector v0 = FloatVector.fromArray(S, sc, vj);
                    FloatVector v1 = two ? FloatVector.fromArray(S, sc, vj + L) : v0;
                    FloatVector b = FloatVector.broadcast(S, sc[p0 + j]);
                    a00 = v0.fma(b, a00); a01 = v1.fma(b, a01);
                    b = FloatVector.broadcast(S, sc[p1 + j]);
                    a10 = v0.fma(b, a10); a11 = v1.fma(b, a11);
                    b = FloatVector.broadcast(S, sc[p2 + j]);
                    a20 = v0.fma(b, a20); a21 = v1.fma(b, a21);
                    b = FloatVector.broadcast(S, sc[p3 + j]);
                    a30 = v0.fma(b, a30); a31 = v1.fma(b, a31);
                }
                // rows past nq were clamped to the last real row: they computed the same values, any store order is fine
                if (two) a31.intoArray(sc, acc + (i + r3) * dh + d + L);
                a30.intoArray(sc, acc + (i + r3) * dh + d);
                if (two) a21.intoArray(sc, acc + (i + r2) * dh + d + L);
                a20.intoArray(sc, acc + (i + r2) * dh + d);
                if (two) a11.intoArray(sc, acc + (i + r1) * dh + d + L);
                a10.intoArray(sc, acc + (i + r1) * dh + d);
                if (two) a01.intoArray(sc, acc + i * dh + d + L);
                a00.intoArray(sc, acc + i * dh + d);
            }
        }
    }

    /** {@link #accumulatePV} for dh a multiple of 4L: 4 rows x 4 vectors, 4 loads + 4 broadcasts per 16 FMAs. */
    private static void accumulatePV4(float[] sc, int st, int nq, int nk, int vo, int dh, int acc) {
        for (int i = 0; i < nq; i += 4) {
            int n = Math.min(4, nq - i);
            int r1 = Math.min(1, n - 1), r2 = Math.min(2, n - 1), r3 = Math.min(3, n - 1);
            int p0 = st + i * BK, p1 = st + (i + r1) * BK, p2 = st + (i + r2) * BK, p3 = st + (i + r3) * BK;
            for (int d = 0; d < dh; d += 4 * L) {
                int o0 = acc + i * dh + d, o1 = acc + (i + r1) * dh + d, o2 = acc + (i + r2) * dh + d, o3 = acc + (i + r3) * dh + d;
                FloatVector a00 = FloatVector.fromArray(S, sc, o0), a01 = FloatVector.fromArray(S, sc, o0 + L),
                        a02 = FloatVector.fromArray(S, sc, o0 + 2 * L), a03 = FloatVector.fromArray(S, sc, o0 + 3 * L);
                FloatVector a10 = FloatVector.fromArray(S, sc, o1), a11 = FloatVector.fromArray(S, sc, o1 + L),
                        a12 = FloatVector.fromArray(S, sc, o1 + 2 * L), a13 = FloatVector.fromArray(S, sc, o1 + 3 * L);
                FloatVector a20 = FloatVector.fromArray(S, sc, o2), a21 = FloatVector.fromArray(S, sc, o2 + L),
                        a22 = FloatVector.fromArray(S, sc, o2 + 2 * L), a23 = FloatVector.fromArray(S, sc, o2 + 3 * L);
                FloatVector a30 = FloatVector.fromArray(S, sc, o3), a31 = FloatVector.fromArray(S, sc, o3 + L),
                        a32 = FloatVector.fromArray(S, sc, o3 + 2 * L), a33 = FloatVector.fromArray(S, sc, o3 + 3 * L);
                for (int j = 0; j < nk; j++) {
                    int vj = vo + j * dh + d;
                    FloatVector v0 = FloatVector.fromArray(S, sc, vj), v1 = FloatVector.fromArray(S, sc, vj + L),
                            v2 = FloatVector.fromArray(S, sc, vj + 2 * L), v3 = FloatVector.fromArray(S, sc, vj + 3 * L);
                    FloatVector b = FloatVector.broadcast(S, sc[p0 + j]);
                    a00 = v0.fma(b, a00); a01 = v1.fma(b, a01); a02 = v2.fma(b, a02); a03 = v3.fma(b, a03);
                    b = FloatVector.broadcast(S, sc[p1 + j]);
                    a10 = v0.fma(b, a10); a11 = v1.fma(b, a11); a12 = v2.fma(b, a12); a13 = v3.fma(b, a13);
                    b = FloatVector.broadcast(S, sc[p2 + j]);
                    a20 = v0.fma(b, a20); a21 = v1.fma(b, a21); a22 = v2.fma(b, a22); a23 = v3.fma(b, a23);
                    b = FloatVector.broadcast(S, sc[p3 + j]);
                    a30 = v0.fma(b, a30); a31 = v1.fma(b, a31); a32 = v2.fma(b, a32); a33 = v3.fma(b, a33);
                }
                // clamped duplicate rows computed the same values as their real row: store order does not matter
                a30.intoArray(sc, o3); a31.intoArray(sc, o3 + L); a32.intoArray(sc, o3 + 2 * L); a33.intoArray(sc, o3 + 3 * L);
                a20.intoArray(sc, o2); a21.intoArray(sc, o2 + L); a22.intoArray(sc, o2 + 2 * L); a23.intoArray(sc, o2 + 3 * L);
                a10.intoArray(sc, o1); a11.intoArray(sc, o1 + L); a12.intoArray(sc, o1 + 2 * L); a13.intoArray(sc, o1 + 3 * L);
                a00.intoArray(sc, o0); a01.intoArray(sc, o0 + L); a02.intoArray(sc, o0 + 2 * L); a03.intoArray(sc, o0 + 3 * L);
            }
        }
    }

    // ------------------------------------------------------------------------------- norms, elementwise

    public static void layerNorm(float[] x, int dim, float[] gamma, float[] beta, boolean affine, float eps,
                                 float[] y, int rowFrom, int rowTo) {
        int vd = dim - dim % L;
        for (int r = rowFrom; r < rowTo; r++) {
            int o = r * dim;
            FloatVector vs = FloatVector.zero(S);
            int i = 0;
            for (; i < vd; i += L) vs = vs.add(FloatVector.fromArray(S, x, o + i));
            float sum = sum(vs);
            for (; i < dim; i++) sum += x[o + i];
            float mean = sum / dim;
            FloatVector vv = FloatVector.zero(S);
            for (i = 0; i < vd; i += L) {
                FloatVector d = FloatVector.fromArray(S, x, o + i).sub(mean);
                vv = d.fma(d, vv);
            }
            float var = sum(vv);
            for (; i < dim; i++) var += (x[o + i] - mean) * (x[o + i] - mean);
            var /= dim;
            float inv = 1f / (float) Math.sqrt(var + eps);
            for (i = 0; i < vd; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, o + i).sub(mean).mul(inv);
                if (affine) v = v.fma(FloatVector.fromArray(S, gamma, i), FloatVector.fromArray(S, beta, i));
                v.intoArray(y, o + i);
            }
            for (; i < dim; i++) {
                float v = (x[o + i] - mean) * inv;
                y[o + i] = affine ? v * gamma[i] + beta[i] : v;
            }
        }
    }

    public static void rmsNorm(float[] x, int dim, float[] gamma, float eps, float[] y, int rowFrom, int rowTo) {
        int vd = dim - dim % L;
        for (int r = rowFrom; r < rowTo; r++) {
            int o = r * dim;
            FloatVector vs = FloatVector.zero(S);
            int i = 0;
            for (; i < vd; i += L) {
                FloatVector v = FloatVector.fromArray(S, x, o + i);
                vs = v.fma(v, vs);
            }
            float ms = sum(vs);
            for (; i < dim; i++) ms += x[o + i] * x[o + i];
            ms /= dim;
            float inv = 1f / (float) Math.sqrt(ms + eps);
            for (i = 0; i < vd; i += L) {
                FloatVector.fromArray(S, x, o + i).mul(inv).mul(FloatVector.fromArray(S, gamma, i)).intoArray(y, o + i);
            }
            for (; i < dim; i++) y[o + i] = x[o + i] * inv * gamma[i];
        }
    }

    public static void silu(float[] x, float[] y, int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            v.div(exp(v.neg()).add(1f)).intoArray(y, i);
        }
        Kernels.silu(x, y, i, to);
    }

    /** mish(x) = x tanh(softplus(x)) = x n / (n + 2) with n = e^x (e^x + 2); x itself above 20 as PyTorch. */
    public static void mish(float[] x, float[] y, int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector e = exp(v.min(20f));
            FloatVector n = e.fma(e, e.mul(2f));
            FloatVector r = v.mul(n).div(n.add(2f));
            r.blend(v, v.compare(VectorOperators.GT, 20f)).intoArray(y, i);
        }
        Kernels.mish(x, y, i, to);
    }

    public static void geluTanh(float[] x, float[] y, int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector inner = v.mul(v).mul(v).mul(0.044715f).add(v).mul(0.7978845608028654f);
            // 0.5 v (1 + tanh u) = v / (1 + e^(-2u)): no cancellation near 0, no vector tanh
            v.div(exp(inner.mul(-2f)).add(1f)).intoArray(y, i);
        }
        Kernels.geluTanh(x, y, i, to);
    }

    /**
     * Exact GELU, 0.5 x (1 + erf(x / sqrt 2)), with erf in float from Abramowitz and Stegun 7.1.26
     * (absolute error below 1.5e-7 on erf), vectorised.
     */
    public static void geluErf(float[] x, float[] y, int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector z = v.mul(0.70710678118654752f);
            FloatVector az = z.abs();
            FloatVector t = az.fma(0.3275911f, 1f);
            t = FloatVector.broadcast(S, 1f).div(t);
            FloatVector poly = t.fma(1.061405429f, -1.453152027f).fma(t, FloatVector.broadcast(S, 1.421413741f))
                    .fma(t, FloatVector.broadcast(S, -0.284496736f)).fma(t, FloatVector.broadcast(S, 0.254829592f)).mul(t);
            FloatVector erfAbs = poly.mul(exp(az.mul(az).neg())).neg().add(1f);
            FloatVector erf = erfAbs.blend(erfAbs.neg(), z.compare(VectorOperators.LT, 0f));
            v.mul(0.5f).mul(erf.add(1f)).intoArray(y, i);
        }
        Kernels.geluErf(x, y, i, to);
    }

    public static void add(float[] a, float[] b, float[] y, int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) FloatVector.fromArray(S, a, i).add(FloatVector.fromArray(S, b, i)).intoArray(y, i);
        Kernels.add(a, b, y, i, to);
    }

    public static void mul(float[] a, float[] b, float[] y, int from, int to) {
        int i = from;
        for (; i + L <= to; i += L) FloatVector.fromArray(S, a, i).mul(FloatVector.fromArray(S, b, i)).intoArray(y, i);
        Kernels.mul(a, b, y, i, to);
    }

    // --------------------------------------------------------------------------------------------- conv1d

    /**
     * Packs a conv1d weight (cout x cinG x k) as [group][tap][input channel][output channel of the group]
     * so the kernel reads output channels contiguously.
     */
    public static void packConv(float[] w, int cout, int cinG, int k, int groups, float[] packed) {
        int coutG = cout / groups;
        for (int oc = 0; oc < cout; oc++) {
            int g = oc / coutG, ocg = oc % coutG;
            for (int ic = 0; ic < cinG; ic++)
                for (int j = 0; j < k; j++)
                    packed[((g * k + j) * cinG + ic) * coutG + ocg] = w[(oc * cinG + ic) * k + j];
        }
    }

    /**
     * Channels-last conv1d like {@link Kernels#conv1d} over output positions [posFrom, posTo) of batch * len,
     * with the weight packed by {@link #packConv}; output channels per group must be a multiple of the
     * vector length. Tiles of 4 positions x up to 4 vectors of output channels.
     */
    public static void conv1d(float[] x, int len, int cin, float[] wp, float[] b, boolean hasBias, int cout, int k,
                              int groups, int pad, float[] y, int posFrom, int posTo) {
        int cinG = cin / groups, coutG = cout / groups;
        // group-major so one group's packed weights (cinG x k x coutG) stay in cache across the positions
        for (int g = 0; g < groups; g++) {
            for (int oc0 = 0; oc0 < coutG; oc0 += 4 * L) {
                int nv = Math.min(4, (coutG - oc0) / L);
                int p = posFrom;
                while (p < posTo) {
                    int bi = p / len, t = p % len;
                    int n = Math.min(4, Math.min(posTo - p, len - t)); // a tile stays within one batch item
                    int xb = bi * len * cin;
                    if (n == 4 && nv == 4 && t >= pad && t + 3 + k - 1 - pad < len) {
                        convTileInterior(x, xb + (t - pad) * cin + g * cinG, cin, cinG, wp, b, hasBias, cout, coutG, k,
                                y, p * cout + g * coutG + oc0, g, oc0);
                    } else {
                        convTile(x, xb, len, cin, cinG, wp, b, hasBias, cout, coutG, k, pad, y, p, t, n, g, oc0, nv);
                    }
                    p += n;
                }
            }
        }
    }

    private static void convTile(float[] x, int xb, int len, int cin, int cinG, float[] wp, float[] b, boolean hasBias,
                                 int cout, int coutG, int k, int pad, float[] y, int p, int t, int n, int g, int oc0,
                                 int nv) {
        int oc = g * coutG + oc0;
        // accumulators [row][vector]; vectors past nv and rows past n are computed but not stored
        FloatVector z = FloatVector.zero(S);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z, a30 = z, a31 = z, a32 = z, a33 = z;
        int v1 = Math.min(1, nv - 1) * L, v2 = Math.min(2, nv - 1) * L, v3 = Math.min(3, nv - 1) * L;
        for (int j = 0; j < k; j++) {
            int wj = ((g * k + j) * cinG) * coutG + oc0;
            int s0 = t + j - pad;
            // x offsets of the 4 rows for this tap; -1 marks zero padding
            int x0 = rowOff(xb, s0, len, cin, g * cinG), x1 = n > 1 ? rowOff(xb, s0 + 1, len, cin, g * cinG) : -1;
            int x2 = n > 2 ? rowOff(xb, s0 + 2, len, cin, g * cinG) : -1, x3 = n > 3 ? rowOff(xb, s0 + 3, len, cin, g * cinG) : -1;
            if (x0 < 0 && x1 < 0 && x2 < 0 && x3 < 0) continue;
            for (int ic = 0; ic < cinG; ic++) {
                int wo = wj + ic * coutG;
                FloatVector w0 = FloatVector.fromArray(S, wp, wo), w1 = FloatVector.fromArray(S, wp, wo + v1);
                FloatVector w2 = FloatVector.fromArray(S, wp, wo + v2), w3 = FloatVector.fromArray(S, wp, wo + v3);
                if (x0 >= 0) {
                    FloatVector a = FloatVector.broadcast(S, x[x0 + ic]);
                    a00 = w0.fma(a, a00); a01 = w1.fma(a, a01); a02 = w2.fma(a, a02); a03 = w3.fma(a, a03);
                }
                if (x1 >= 0) {
                    FloatVector a = FloatVector.broadcast(S, x[x1 + ic]);
                    a10 = w0.fma(a, a10); a11 = w1.fma(a, a11); a12 = w2.fma(a, a12); a13 = w3.fma(a, a13);
                }
                if (x2 >= 0) {
                    FloatVector a = FloatVector.broadcast(S, x[x2 + ic]);
                    a20 = w0.fma(a, a20); a21 = w1.fma(a, a21); a22 = w2.fma(a, a22); a23 = w3.fma(a, a23);
                }
                if (x3 >= 0) {
                    FloatVector a = FloatVector.broadcast(S, x[x3 + ic]);
                    a30 = w0.fma(a, a30); a31 = w1.fma(a, a31); a32 = w2.fma(a, a32); a33 = w3.fma(a, a33);
                }
            }
        }
        storeConvRow(y, b, hasBias, oc, p * cout + oc, nv, a00, a01, a02, a03);
        if (n > 1) storeConvRow(y, b, hasBias, oc, (p + 1) * cout + oc, nv, a10, a11, a12, a13);
        if (n > 2) storeConvRow(y, b, hasBias, oc, (p + 2) * cout + oc, nv, a20, a21, a22, a23);
        if (n > 3) storeConvRow(y, b, hasBias, oc, (p + 3) * cout + oc, nv, a30, a31, a32, a33);
    }

    /**
     * A full 4 x 4-vector tile whose taps all fall inside the sequence: no padding checks in the inner
     * loop. x0 is the input offset of the first row's first tap (group channel 0), yo the output offset.
     */
    private static void convTileInterior(float[] x, int x0, int cin, int cinG, float[] wp, float[] b, boolean hasBias,
                                         int cout, int coutG, int k, float[] y, int yo, int g, int oc0) {
        FloatVector z = FloatVector.zero(S);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z, a30 = z, a31 = z, a32 = z, a33 = z;
        for (int j = 0; j < k; j++) {
            int wj = ((g * k + j) * cinG) * coutG + oc0;
            int r0 = x0 + j * cin, r1 = r0 + cin, r2 = r1 + cin, r3 = r2 + cin;
            for (int ic = 0; ic < cinG; ic++) {
                int wo = wj + ic * coutG;
                FloatVector w0 = FloatVector.fromArray(S, wp, wo), w1 = FloatVector.fromArray(S, wp, wo + L);
                FloatVector w2 = FloatVector.fromArray(S, wp, wo + 2 * L), w3 = FloatVector.fromArray(S, wp, wo + 3 * L);
                FloatVector a = FloatVector.broadcast(S, x[r0 + ic]);
                a00 = w0.fma(a, a00); a01 = w1.fma(a, a01); a02 = w2.fma(a, a02); a03 = w3.fma(a, a03);
                a = FloatVector.broadcast(S, x[r1 + ic]);
                a10 = w0.fma(a, a10); a11 = w1.fma(a, a11); a12 = w2.fma(a, a12); a13 = w3.fma(a, a13);
                a = FloatVector.broadcast(S, x[r2 + ic]);
                a20 = w0.fma(a, a20); a21 = w1.fma(a, a21); a22 = w2.fma(a, a22); a23 = w3.fma(a, a23);
                a = FloatVector.broadcast(S, x[r3 + ic]);
                a30 = w0.fma(a, a30); a31 = w1.fma(a, a31); a32 = w2.fma(a, a32); a33 = w3.fma(a, a33);
            }
        }
        int oc = g * coutG + oc0;
        storeConvRow(y, b, hasBias, oc, yo, 4, a00, a01, a02, a03);
        storeConvRow(y, b, hasBias, oc, yo + cout, 4, a10, a11, a12, a13);
        storeConvRow(y, b, hasBias, oc, yo + 2 * cout, 4, a20, a21, a22, a23);
        storeConvRow(y, b, hasBias, oc, yo + 3 * cout, 4, a30, a31, a32, a33);
    }

    /**
     * Unfolds group g of a grouped conv input for positions [from, to) of (batch * len): row p of col holds
     * x[p + j - pad][g * cinG + ic] at ic * k + j (PyTorch's weight order), zero outside the batch item.
     */
    public static void im2col(float[] x, int len, int cin, int cinG, int g, int k, int pad, float[] col, int posFrom,
                              int posTo) {
        int kc = cinG * k;
        for (int p = posFrom; p < posTo; p++) {
            int bi = p / len, t = p % len, o = p * kc;
            for (int j = 0; j < k; j++) {
                int s = t + j - pad;
                if (s < 0 || s >= len) {
                    for (int ic = 0; ic < cinG; ic++) col[o + ic * k + j] = 0f;
                } else {
                    int xo = (bi * len + s) * cin + g * cinG;
                    for (int ic = 0; ic < cinG; ic++) col[o + ic * k + j] = x[xo + ic];
                }
            }
        }
    }

    /** y[p, g * coutG + oc] = tmp[p, oc] (+ bias) for positions [from, to). */
    public static void scatterGroup(float[] tmp, int coutG, float[] b, boolean hasBias, int g, int cout, float[] y,
                                    int posFrom, int posTo) {
        int oc0 = g * coutG;
        for (int p = posFrom; p < posTo; p++) {
            int to = p * coutG, yo = p * cout + oc0;
            for (int oc = 0; oc < coutG; oc++) y[yo + oc] = hasBias ? tmp[to + oc] + b[oc0 + oc] : tmp[to + oc];
        }
    }

    private static int rowOff(int xb, int s, int len, int cin, int c0) {
        return s < 0 || s >= len ? -1 : xb + s * cin + c0;
    }

    private static void storeConvRow(float[] y, float[] b, boolean hasBias, int oc, int yo, int nv,
                                     FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3) {
        if (hasBias) a0 = a0.add(FloatVector.fromArray(S, b, oc));
        a0.intoArray(y, yo);
        if (nv > 1) (hasBias ? a1.add(FloatVector.fromArray(S, b, oc + L)) : a1).intoArray(y, yo + L);
        if (nv > 2) (hasBias ? a2.add(FloatVector.fromArray(S, b, oc + 2 * L)) : a2).intoArray(y, yo + 2 * L);
        if (nv > 3) (hasBias ? a3.add(FloatVector.fromArray(S, b, oc + 3 * L)) : a3).intoArray(y, yo + 3 * L);
    }

    /** Packs a depthwise weight (c x 1 x k) as [tap][channel]. */
    public static void packDepthwise(float[] w, int c, int k, float[] packed) {
        for (int ch = 0; ch < c; ch++) for (int j = 0; j < k; j++) packed[j * c + ch] = w[ch * k + j];
    }

    /** Depthwise conv1d (groups = channels), channels-last, vectorised over channels; weight from {@link #packDepthwise}. */
    public static void depthwiseConv1d(float[] x, int len, int c, float[] wp, float[] b, boolean hasBias, int k,
                                       int pad, float[] y, int posFrom, int posTo) {
        int vc = c - c % L;
        for (int p = posFrom; p < posTo; p++) {
            int bi = p / len, t = p % len;
            int xb = bi * len * c, yo = p * c;
            int jFrom = Math.max(0, pad - t), jTo = Math.min(k, len + pad - t);
            for (int ch = 0; ch < vc; ch += L) {
                FloatVector acc = hasBias ? FloatVector.fromArray(S, b, ch) : FloatVector.zero(S);
                for (int j = jFrom; j < jTo; j++) {
                    acc = FloatVector.fromArray(S, x, xb + (t + j - pad) * c + ch)
                            .fma(FloatVector.fromArray(S, wp, j * c + ch), acc);
                }
                acc.intoArray(y, yo + ch);
            }
            for (int ch = vc; ch < c; ch++) {
                float acc = hasBias ? b[ch] : 0f;
                for (int j = jFrom; j < jTo; j++) acc += x[xb + (t + j - pad) * c + ch] * wp[j * c + ch];
                y[yo + ch] = acc;
            }
        }
    }
}

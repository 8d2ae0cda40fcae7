package f5j.compute;

/**
 * The operations layers may use. Every method works on flat row-major float arrays and writes its result
 * into an output array the caller owns (no allocation). Each method builds its {@link Op} record and hands
 * it to {@link #execute}, the one method a backend implements: {@link CpuBackend} runs the plain
 * {@link Kernels}, {@link SimdBackend} their Vector API versions, the decorators ({@link PrecisionBackend},
 * {@link OpProfile}, the plan recorder) watch or change the calls and pass them on.
 *
 * <p>Shapes are given as explicit sizes; "rows" means all leading axes flattened.
 */
public interface Backend {
    String name();

    /** Runs one operation. */
    void execute(Op op);

    /** y[r, o] = sum_i x[r, i] * w[o, i] + b[o] — PyTorch Linear layout (w is out x in). b may be null. */
    default void linear(float[] x, int rows, int in, float[] w, float[] b, int out, float[] y) {
        execute(new Op.Linear(x, rows, in, w, b, out, y));
    }

    /** LayerNorm over the last axis (biased variance). gamma/beta may be null (no affine). */
    default void layerNorm(float[] x, int rows, int dim, float[] gamma, float[] beta, float eps, float[] y) {
        execute(new Op.LayerNorm(x, rows, dim, gamma, beta, eps, y));
    }

    /** RMSNorm over the last axis: x / sqrt(mean(x^2) + eps) * gamma. */
    default void rmsNorm(float[] x, int rows, int dim, float[] gamma, float eps, float[] y) {
        execute(new Op.RmsNorm(x, rows, dim, gamma, eps, y));
    }

    default void silu(float[] x, int n, float[] y) {
        execute(new Op.Silu(x, n, y));
    }

    default void mish(float[] x, int n, float[] y) {
        execute(new Op.Mish(x, n, y));
    }

    /** Exact GELU (erf), nn.GELU(). */
    default void geluErf(float[] x, int n, float[] y) {
        execute(new Op.GeluErf(x, n, y));
    }

    /** GELU with the tanh approximation, nn.GELU(approximate="tanh"). */
    default void geluTanh(float[] x, int n, float[] y) {
        execute(new Op.GeluTanh(x, n, y));
    }

    /** y = a + b elementwise. */
    default void add(float[] a, float[] b, int n, float[] y) {
        execute(new Op.Add(a, b, n, y));
    }

    /** y = a * b elementwise. */
    default void mul(float[] a, float[] b, int n, float[] y) {
        execute(new Op.Mul(a, b, n, y));
    }

    /**
     * 1-D convolution on channels-last data (x: batch x len x cin, y: batch x len x cout), weight in
     * PyTorch layout (cout x cin/groups x k), zero padding {@code pad} on both sides, stride 1, "same"
     * length output (len + 2*pad - k + 1 must equal len). b may be null.
     */
    default void conv1d(float[] x, int batch, int len, int cin, float[] w, float[] b, int cout, int k, int groups,
                int pad, float[] y) {
        execute(new Op.Conv1d(x, batch, len, cin, w, b, cout, k, groups, pad, y));
    }

    /**
     * Scaled dot-product attention per batch and head. q, k, v and out are batch x len x (heads*dh);
     * keyMask (batch x len, 1 = attend) may be null.
     */
    default void attention(float[] q, float[] k, float[] v, int batch, int len, int heads, int dh, float[] keyMask,
                   float[] out) {
        execute(new Op.Attention(q, k, v, batch, len, heads, dh, keyMask, out));
    }

    // ---- audio/Vocos ----

    /** y[r, i] = x[r, i] * g[i]: a per-channel scale over the last axis (ConvNeXt layer scale). */
    default void scaleLast(float[] x, int rows, int dim, float[] g, float[] y) {
        execute(new Op.ScaleLast(x, rows, dim, g, y));
    }

    /**
     * Vocos' ISTFT head: each row of x holds {@code bins} log-magnitudes then {@code bins} phases; writes
     * {@code mag = min(exp(logMag), maxMag)}, {@code re = mag cos(phase)}, {@code im = mag sin(phase)}
     * (rows x bins each).
     */
    default void polarSpectrum(float[] x, int rows, int bins, float maxMag, float[] re, float[] im) {
        execute(new Op.PolarSpectrum(x, rows, bins, maxMag, re, im));
    }

    // ---- DiT (F5-TTS backbone and CFM sampler); kernels documented in Kernels ----

    /** Embedding lookup: y (rows x dim) gets row ids[r] of table. */
    default void gatherRows(float[] table, int dim, int[] ids, int rows, float[] y) {
        execute(new Op.GatherRows(table, dim, ids, rows, y));
    }

    /** masked_fill in place: rows of x (rows x dim) whose keep value is 0 become zero. */
    default void zeroRows(float[] x, int rows, int dim, float[] keep) {
        execute(new Op.ZeroRows(x, rows, dim, keep));
    }

    /** Last-axis concatenation of row-aligned parts of widths da, db, dc (0 skips c); bZero: b is all zeros. */
    default void concatLast(float[] a, int da, float[] b, int db, boolean bZero, float[] c, int dc, int rows, float[] y) {
        execute(new Op.ConcatLast(a, da, b, db, bZero, c, dc, rows, y));
    }

    /** y = x * (1 + scale) + shift per batch: x is (batch*len) x dim, scale/shift columns of emb (batch x embWidth). */
    default void modulate(float[] x, int batch, int len, int dim, float[] emb, int embWidth, int scaleOff, int shiftOff,
                  float[] y) {
        execute(new Op.Modulate(x, batch, len, dim, emb, embWidth, scaleOff, shiftOff, y));
    }

    /** x += gate * y in place, gate columns [gateOff, gateOff+dim) of emb (batch x embWidth). */
    default void gatedAdd(float[] x, float[] y, int batch, int len, int dim, float[] emb, int embWidth, int gateOff) {
        execute(new Op.GatedAdd(x, y, batch, len, dim, emb, embWidth, gateOff));
    }

    /** ConvNeXt-V2 GRN over x (batch x len x dim); nx is batch x dim scratch. */
    default void grn(float[] x, int batch, int len, int dim, float[] gamma, float[] beta, float[] nx, float[] y) {
        execute(new Op.Grn(x, batch, len, dim, gamma, beta, nx, y));
    }

    /** cos/sin of position times frequency for positions [0, len): tables len x half. */
    default void angleTable(float[] invFreq, int half, int len, float[] cos, float[] sin) {
        execute(new Op.AngleTable(invFreq, half, len, cos, sin));
    }

    /** Adds sinusoidal positions (cos | sin halves) to x (batch x len x 2*half) below each batch's valid length. */
    default void addCosSin(float[] x, int batch, int len, int half, float[] cos, float[] sin, int[] validLen) {
        execute(new Op.AddCosSin(x, batch, len, half, cos, sin, validLen));
    }

    /** Interleaved-pair rotary embedding in place on x (batch x len x heads*dh), first ropeHeads heads. */
    default void rotary(float[] x, int batch, int len, int heads, int dh, int ropeHeads, float[] cos, float[] sin) {
        execute(new Op.Rotary(x, batch, len, heads, dh, ropeHeads, cos, sin));
    }

    /** [sin | cos] of (scale * time[b]) * freqs[k]: y is batch x 2*half. */
    default void timestepSinusoid(float[] time, int batch, float scale, float[] freqs, int half, float[] y) {
        execute(new Op.TimestepSinusoid(time, batch, scale, freqs, half, y));
    }

    /** y = a + b * s. */
    default void addScaled(float[] a, float[] b, float s, int n, float[] y) {
        execute(new Op.AddScaled(a, b, s, n, y));
    }

    /** y[i] = p[i] + (p[i] - p[half + i]) * cfg for i < half (packed conditional/unconditional rows). */
    default void cfgCombine(float[] packed, int half, float cfg, float[] y) {
        execute(new Op.CfgCombine(packed, half, cfg, y));
    }

    /** The fast host backend: Vector API kernels on all cores ({@link SimdBackend}). */
    static Backend cpu() { return SimdBackend.INSTANCE; }

    /** The plain {@link Kernels} on one host thread: the arithmetic of the TornadoVM kernels, run on the CPU. */
    static Backend reference() { return CpuBackend.INSTANCE; }
}

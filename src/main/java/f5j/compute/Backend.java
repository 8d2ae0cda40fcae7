package f5j.compute;

/**
 * The operations layers may use. Every method works on flat row-major float arrays and writes its result
 * into an output array the caller owns (no allocation). Implementations run the static kernels in
 * {@link Kernels} — on the CPU directly, on a GPU through TornadoVM — so all backends compute the same
 * arithmetic.
 *
 * <p>Shapes are given as explicit sizes; "rows" means all leading axes flattened.
 */
public interface Backend {
    String name();

    /** y[r, o] = sum_i x[r, i] * w[o, i] + b[o] — PyTorch Linear layout (w is out x in). b may be null. */
    void linear(float[] x, int rows, int in, float[] w, float[] b, int out, float[] y);

    /** LayerNorm over the last axis (biased variance). gamma/beta may be null (no affine). */
    void layerNorm(float[] x, int rows, int dim, float[] gamma, float[] beta, float eps, float[] y);

    /** RMSNorm over the last axis: x / sqrt(mean(x^2) + eps) * gamma. */
    void rmsNorm(float[] x, int rows, int dim, float[] gamma, float eps, float[] y);

    void silu(float[] x, int n, float[] y);

    void mish(float[] x, int n, float[] y);

    /** Exact GELU (erf), nn.GELU(). */
    void geluErf(float[] x, int n, float[] y);

    /** GELU with the tanh approximation, nn.GELU(approximate="tanh"). */
    void geluTanh(float[] x, int n, float[] y);

    /** y = a + b elementwise. */
    void add(float[] a, float[] b, int n, float[] y);

    /** y = a * b elementwise. */
    void mul(float[] a, float[] b, int n, float[] y);

    /**
     * 1-D convolution on channels-last data (x: batch x len x cin, y: batch x len x cout), weight in
     * PyTorch layout (cout x cin/groups x k), zero padding {@code pad} on both sides, stride 1, "same"
     * length output (len + 2*pad - k + 1 must equal len). b may be null.
     */
    void conv1d(float[] x, int batch, int len, int cin, float[] w, float[] b, int cout, int k, int groups,
                int pad, float[] y);

    /**
     * Scaled dot-product attention per batch and head. q, k, v and out are batch x len x (heads*dh);
     * keyMask (batch x len, 1 = attend) may be null.
     */
    void attention(float[] q, float[] k, float[] v, int batch, int len, int heads, int dh, float[] keyMask,
                   float[] out);

    // ---- DiT (F5-TTS backbone and CFM sampler); kernels documented in Kernels ----

    /** Embedding lookup: y (rows x dim) gets row ids[r] of table. */
    void gatherRows(float[] table, int dim, int[] ids, int rows, float[] y);

    /** masked_fill in place: rows of x (rows x dim) whose keep value is 0 become zero. */
    void zeroRows(float[] x, int rows, int dim, float[] keep);

    /** Last-axis concatenation of row-aligned parts of widths da, db, dc (0 skips c); bZero: b is all zeros. */
    void concatLast(float[] a, int da, float[] b, int db, boolean bZero, float[] c, int dc, int rows, float[] y);

    /** y = x * (1 + scale) + shift per batch: x is (batch*len) x dim, scale/shift columns of emb (batch x embWidth). */
    void modulate(float[] x, int batch, int len, int dim, float[] emb, int embWidth, int scaleOff, int shiftOff,
                  float[] y);

    /** x += gate * y in place, gate columns [gateOff, gateOff+dim) of emb (batch x embWidth). */
    void gatedAdd(float[] x, float[] y, int batch, int len, int dim, float[] emb, int embWidth, int gateOff);

    /** ConvNeXt-V2 GRN over x (batch x len x dim); nx is batch x dim scratch. */
    void grn(float[] x, int batch, int len, int dim, float[] gamma, float[] beta, float[] nx, float[] y);

    /** cos/sin of position times frequency for positions [0, len): tables len x half. */
    void angleTable(float[] invFreq, int half, int len, float[] cos, float[] sin);

    /** Adds sinusoidal positions (cos | sin halves) to x (batch x len x 2*half) below each batch's valid length. */
    void addCosSin(float[] x, int batch, int len, int half, float[] cos, float[] sin, int[] validLen);

    /** Interleaved-pair rotary embedding in place on x (batch x len x heads*dh), first ropeHeads heads. */
    void rotary(float[] x, int batch, int len, int heads, int dh, int ropeHeads, float[] cos, float[] sin);

    /** [sin | cos] of (scale * time[b]) * freqs[k]: y is batch x 2*half. */
    void timestepSinusoid(float[] time, int batch, float scale, float[] freqs, int half, float[] y);

    /** y = a + b * s. */
    void addScaled(float[] a, float[] b, float s, int n, float[] y);

    /** y[i] = p[i] + (p[i] - p[half + i]) * cfg for i < half (packed conditional/unconditional rows). */
    void cfgCombine(float[] packed, int half, float cfg, float[] y);

    // ---- audio/Vocos ----

    /** y[r, i] = x[r, i] * g[i]: a per-channel scale over the last axis (ConvNeXt layer scale). */
    void scaleLast(float[] x, int rows, int dim, float[] g, float[] y);

    /**
     * Vocos' ISTFT head: each row of x holds {@code bins} log-magnitudes then {@code bins} phases; writes
     * {@code mag = min(exp(logMag), maxMag)}, {@code re = mag cos(phase)}, {@code im = mag sin(phase)}
     * (rows x bins each).
     */
    void polarSpectrum(float[] x, int rows, int bins, float maxMag, float[] re, float[] im);

    /** The backend running on the host with the plain kernels. */
    static Backend cpu() { return CpuBackend.INSTANCE; }
}

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

    // ---- audio/Vocos ----

    /** y[r, i] = x[r, i] * g[i]: a per-channel scale over the last axis (ConvNeXt layer scale). */
    void scaleLast(float[] x, int rows, int dim, float[] g, float[] y);

    /**
     * Vocos' ISTFT head: each row of x holds {@code bins} log-magnitudes then {@code bins} phases; writes
     * {@code mag = min(exp(logMag), maxMag)}, {@code re = mag cos(phase)}, {@code im = mag sin(phase)}
     * (rows x bins each).
     */
    void polarSpectrum(float[] x, int rows, int bins, float maxMag, float[] re, float[] im);

    /** The fast host backend: Vector API kernels on all cores ({@link SimdBackend}). */
    static Backend cpu() { return SimdBackend.INSTANCE; }

    /** The plain {@link Kernels} on one host thread: the TornadoVM code path, run on the CPU. */
    static Backend reference() { return CpuBackend.INSTANCE; }
}

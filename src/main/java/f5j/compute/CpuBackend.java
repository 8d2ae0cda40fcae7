package f5j.compute;

/** Runs the {@link Kernels} on the host, one thread. */
public final class CpuBackend implements Backend {
    static final CpuBackend INSTANCE = new CpuBackend();

    @Override public String name() { return "cpu"; }

    @Override
    public void linear(float[] x, int rows, int in, float[] w, float[] b, int out, float[] y) {
        Kernels.linear(x, in, w, b, b != null, out, y, 0, rows);
    }

    @Override
    public void layerNorm(float[] x, int rows, int dim, float[] gamma, float[] beta, float eps, float[] y) {
        Kernels.layerNorm(x, dim, gamma, beta, gamma != null, eps, y, 0, rows);
    }

    @Override
    public void rmsNorm(float[] x, int rows, int dim, float[] gamma, float eps, float[] y) {
        Kernels.rmsNorm(x, dim, gamma, eps, y, 0, rows);
    }

    @Override public void silu(float[] x, int n, float[] y) { Kernels.silu(x, y, 0, n); }

    @Override public void mish(float[] x, int n, float[] y) { Kernels.mish(x, y, 0, n); }

    @Override public void geluErf(float[] x, int n, float[] y) { Kernels.geluErf(x, y, 0, n); }

    @Override public void geluTanh(float[] x, int n, float[] y) { Kernels.geluTanh(x, y, 0, n); }

    @Override public void add(float[] a, float[] b, int n, float[] y) { Kernels.add(a, b, y, 0, n); }

    @Override public void mul(float[] a, float[] b, int n, float[] y) { Kernels.mul(a, b, y, 0, n); }

    @Override
    public void conv1d(float[] x, int batch, int len, int cin, float[] w, float[] b, int cout, int k, int groups,
                       int pad, float[] y) {
        Kernels.conv1d(x, len, cin, w, b, b != null, cout, k, groups, pad, y, 0, batch * len);
    }

    @Override
    public void attention(float[] q, float[] k, float[] v, int batch, int len, int heads, int dh, float[] keyMask,
                          float[] out) {
        Kernels.attention(q, k, v, len, heads, dh, keyMask, keyMask != null, out, 0, batch * heads * len);
    }

    // ---- DiT ----

    @Override
    public void gatherRows(float[] table, int dim, int[] ids, int rows, float[] y) {
        Kernels.gatherRows(table, dim, ids, y, 0, rows);
    }

    @Override public void zeroRows(float[] x, int rows, int dim, float[] keep) { Kernels.zeroRows(x, dim, keep, 0, rows); }

    @Override
    public void concatLast(float[] a, int da, float[] b, int db, boolean bZero, float[] c, int dc, int rows, float[] y) {
        Kernels.concatLast(a, da, b, db, bZero, c, dc, y, 0, rows);
    }

    @Override
    public void modulate(float[] x, int batch, int len, int dim, float[] emb, int embWidth, int scaleOff, int shiftOff,
                         float[] y) {
        Kernels.modulate(x, len, dim, emb, embWidth, scaleOff, shiftOff, y, 0, batch * len);
    }

    @Override
    public void gatedAdd(float[] x, float[] y, int batch, int len, int dim, float[] emb, int embWidth, int gateOff) {
        Kernels.gatedAdd(x, y, len, dim, emb, embWidth, gateOff, 0, batch * len);
    }

    @Override
    public void grn(float[] x, int batch, int len, int dim, float[] gamma, float[] beta, float[] nx, float[] y) {
        Kernels.grnScale(x, len, dim, nx, 0, batch);
        Kernels.grnApply(x, len, dim, nx, gamma, beta, y, 0, batch * len);
    }

    @Override
    public void angleTable(float[] invFreq, int half, int len, float[] cos, float[] sin) {
        Kernels.angleTable(invFreq, half, cos, sin, 0, len);
    }

    @Override
    public void addCosSin(float[] x, int batch, int len, int half, float[] cos, float[] sin, int[] validLen) {
        Kernels.addCosSin(x, len, half, cos, sin, validLen, 0, batch * len);
    }

    @Override
    public void rotary(float[] x, int batch, int len, int heads, int dh, int ropeHeads, float[] cos, float[] sin) {
        Kernels.rotary(x, len, heads, dh, ropeHeads, cos, sin, 0, batch * len);
    }

    @Override
    public void timestepSinusoid(float[] time, int batch, float scale, float[] freqs, int half, float[] y) {
        Kernels.timestepSinusoid(time, scale, freqs, half, y, 0, batch);
    }

    @Override public void addScaled(float[] a, float[] b, float s, int n, float[] y) { Kernels.addScaled(a, b, s, y, 0, n); }

    @Override public void cfgCombine(float[] packed, int half, float cfg, float[] y) { Kernels.cfgCombine(packed, half, cfg, y, 0, half); }

    // ---- audio/Vocos ----

    @Override
    public void scaleLast(float[] x, int rows, int dim, float[] g, float[] y) {
        Kernels.scaleLast(x, dim, g, y, 0, rows);
    }

    @Override
    public void polarSpectrum(float[] x, int rows, int bins, float maxMag, float[] re, float[] im) {
        Kernels.polarSpectrum(x, bins, maxMag, re, im, 0, rows);
    }
}

package f5j.golden;

import f5j.dit.DiT;
import f5j.tensor.Tensor;
import f5j.trace.Trace;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code dit_forward} goldens: one DiT call (cfg-packed batch of one, or a masked batch with padded text);
 * compares {@code out/pred} and every recorded module output within 1e-4.
 */
public final class DitForwardKind implements GoldenKind {
    static final double TOL = 1e-4;

    private final GoldenModel models;

    /** {@code models}: the verifier's cache of the DiTs the goldens name. */
    DitForwardKind(GoldenModel models) { this.models = models; }

    @Override public String kind() { return "dit_forward"; }

    @Override
    public void verify(GoldenFile g, VerifyOptions options, GoldenReport report) {
        DiT dit = models.load(g, options);
        GoldenModel.notePrecision(g, report);
        Tensor x = g.input("x"), cond = g.input("cond");
        long[][] text = rows(g.raw("inputs/text").toLongs(), x.dim(0));
        float[] time = g.input("time").data;
        boolean[][] mask = mask(g, x);
        boolean cfg = Boolean.parseBoolean(g.requireMeta("cfg_infer"));
        Trace trace = Trace.all();
        Tensor pred = dit.forward(x, cond, text, time, mask, false, false, cfg, trace);
        Map<String, Tensor> produced = new LinkedHashMap<>();
        produced.put("out/pred", pred);
        trace.recorded().forEach((k, v) -> produced.put("act/" + k, v));
        report.compareAll(g, produced, name -> options.tol(TOL));
    }

    /** The golden's optional {@code inputs/mask} (batch x frames of x) as rows; null when it has none. */
    public static boolean[][] mask(GoldenFile g, Tensor x) {
        if (!g.has("inputs/mask")) return null;
        boolean[] m = g.raw("inputs/mask").toBools();
        int n = x.dim(1);
        boolean[][] mask = new boolean[x.dim(0)][n];
        for (int b = 0; b < mask.length; b++) System.arraycopy(m, b * n, mask[b], 0, n);
        return mask;
    }

    /** A flat row-major {@code b x nt} id tensor as rows. */
    public static long[][] rows(long[] flat, int b) {
        int nt = flat.length / b;
        long[][] r = new long[b][nt];
        for (int i = 0; i < b; i++) System.arraycopy(flat, i * nt, r[i], 0, nt);
        return r;
    }
}

package f5j.dit;

import f5j.compute.Backend;
import f5j.numerics.SleefF;
import f5j.trace.Trace;

/** {@code time_embed}: sinusoidal features of 1000 * t (256 wide), then Linear, SiLU, Linear. */
final class TimestepEmbedding {
    static final int FREQ_DIM = 256;
    private static final float SCALE = 1000f;

    private final Backend be;
    private final int dim;
    private final float[] freqs = new float[FREQ_DIM / 2];
    private final Linear mlp0, mlp2;

    TimestepEmbedding(Params p, int dim, Backend be) {
        this.be = be;
        this.dim = dim;
        // exp(k * -(ln 10000 / (half - 1))), the products and the exp in float32 as torch computes them
        int half = FREQ_DIM / 2;
        float step = (float) (-Math.log(10000) / (half - 1));
        for (int k = 0; k < half; k++) freqs[k] = SleefF.exp((float) k * step);
        mlp0 = p.linear("time_embed.time_mlp.0", FREQ_DIM, dim, true);
        mlp2 = p.linear("time_embed.time_mlp.2", dim, dim, true);
    }

    /** time: one value per batch row; returns batch x dim. */
    float[] forward(float[] time, Trace trace) {
        int b = time.length;
        float[] sin = new float[b * FREQ_DIM];
        be.timestepSinusoid(time, b, SCALE, freqs, FREQ_DIM / 2, sin);
        Rec.out(trace, "time_embed.time_embed", sin, b, FREQ_DIM);
        float[] h = new float[b * dim];
        mlp0.apply(be, sin, b, h);
        Rec.out(trace, "time_embed.time_mlp.0", h, b, dim);
        float[] a = new float[b * dim];
        be.silu(h, b * dim, a);
        Rec.out(trace, "time_embed.time_mlp.1", a, b, dim);
        float[] t = new float[b * dim];
        mlp2.apply(be, a, b, t);
        Rec.out(trace, "time_embed.time_mlp.2", t, b, dim);
        Rec.out(trace, "time_embed.time_mlp", t, b, dim);
        Rec.out(trace, "time_embed", t, b, dim);
        return t;
    }
}

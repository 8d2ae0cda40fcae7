package f5j.dit;

import f5j.compute.Backend;
import f5j.trace.Trace;

/**
 * {@code input_embed}: Linear over [noisy mel, condition mel (zeros when dropped), text embedding], plus
 * the convolutional position embedding (two grouped k=31 Conv1d + Mish, padded frames zeroed around each
 * conv when a mask is given) added back to the projection.
 */
final class InputEmbedding {
    private static final int KERNEL = 31, GROUPS = 16;

    private final Backend be;
    private final Workspace ws;
    private final int melDim, textDim, dim;
    private final Linear proj;
    private final float[] conv0W, conv0B, conv2W, conv2B;

    InputEmbedding(Params p, int melDim, int textDim, int dim, Backend be, Workspace ws) {
        this.be = be;
        this.ws = ws;
        this.melDim = melDim;
        this.textDim = textDim;
        this.dim = dim;
        proj = p.linear("input_embed.proj", 2 * melDim + textDim, dim, true);
        String c = "input_embed.conv_pos_embed.conv1d.";
        conv0W = p.get(c + "0.weight", dim, dim / GROUPS, KERNEL);
        conv0B = p.get(c + "0.bias", dim);
        conv2W = p.get(c + "2.weight", dim, dim / GROUPS, KERNEL);
        conv2B = p.get(c + "2.bias", dim);
    }

    /**
     * x, cond: batch x len x melDim; text: batch x len x textDim; keep: batch*len frame mask or null.
     * Writes batch x len x dim into p.
     */
    void forward(float[] x, float[] cond, float[] text, boolean dropAudioCond, float[] keep, int batch, int len,
                 float[] p, Trace trace) {
        int rows = batch * len, n = rows * dim;
        float[] cat = ws.get("in.cat", rows * (2 * melDim + textDim));
        be.concatLast(x, melDim, cond, melDim, dropAudioCond, text, textDim, rows, cat);
        proj.apply(be, cat, rows, p);
        Rec.out(trace, "input_embed.proj", p, batch, len, dim);

        String m = "input_embed.conv_pos_embed";
        float[] h = ws.get("in.h", n);
        System.arraycopy(p, 0, h, 0, n);
        if (keep != null) be.zeroRows(h, rows, dim, keep);
        float[] c = ws.get("in.c", n);
        be.conv1d(h, batch, len, dim, conv0W, conv0B, dim, KERNEL, GROUPS, KERNEL / 2, c);
        Rec.conv(trace, m + ".conv1d.0", c, batch, len, dim);
        if (keep != null) be.zeroRows(c, rows, dim, keep);
        be.mish(c, n, h);
        Rec.conv(trace, m + ".conv1d.1", h, batch, len, dim);
        be.conv1d(h, batch, len, dim, conv2W, conv2B, dim, KERNEL, GROUPS, KERNEL / 2, c);
        Rec.conv(trace, m + ".conv1d.2", c, batch, len, dim);
        if (keep != null) be.zeroRows(c, rows, dim, keep);
        be.mish(c, n, h);
        Rec.conv(trace, m + ".conv1d.3", h, batch, len, dim);
        Rec.out(trace, m, h, batch, len, dim);
        be.add(h, p, n, p);
        Rec.out(trace, "input_embed", p, batch, len, dim);
    }
}

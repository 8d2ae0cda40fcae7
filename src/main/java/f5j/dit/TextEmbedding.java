package f5j.dit;

import f5j.compute.Backend;
import f5j.trace.Trace;
import f5j.util.F5jException;

/**
 * {@code text_embed}: token ids (shifted by one so 0 is the filler, batch padding -1 becomes filler too),
 * curtailed or padded to the frame count, embedded, then — when the model has ConvNeXt layers — sinusoidal
 * positions and ConvNeXt-V2 blocks. With {@code text_mask_padding} the filler rows are zeroed before and
 * after every block. With a batch mask each sample only has its own valid length of text.
 */
final class TextEmbedding {
    private static final int KERNEL = 7;

    private final Backend be;
    private final Workspace ws;
    private final int dim, numRows, convLayers;
    private final boolean maskPadding;
    private final float[] table;
    private final float[] posInvFreq;
    private final Block[] blocks;
    private float[] posCos, posSin;

    private record Block(float[] dwW, float[] dwB, float[] normW, float[] normB, Linear pw1, float[] grnGamma,
                         float[] grnBeta, Linear pw2) {}

    TextEmbedding(Params p, int dim, int convLayers, boolean maskPadding, Backend be, Workspace ws) {
        this.be = be;
        this.ws = ws;
        this.dim = dim;
        this.convLayers = convLayers;
        this.maskPadding = maskPadding;
        this.numRows = p.shape("text_embed.text_embed.weight")[0];
        this.table = p.get("text_embed.text_embed.weight", numRows, dim);
        // precompute_freqs_cis: 1 / 10000^(2k / dim), in float32
        posInvFreq = new float[dim / 2];
        for (int k = 0; k < dim / 2; k++) {
            posInvFreq[k] = 1f / (float) Math.pow(10000f, (float) (2 * k) / dim);
        }
        blocks = new Block[convLayers];
        int inter = dim * 2;
        for (int i = 0; i < convLayers; i++) {
            String b = "text_embed.text_blocks." + i + ".";
            blocks[i] = new Block(p.get(b + "dwconv.weight", dim, 1, KERNEL), p.get(b + "dwconv.bias", dim),
                    p.get(b + "norm.weight", dim), p.get(b + "norm.bias", dim), p.linear(b + "pwconv1", dim, inter, true),
                    p.get(b + "grn.gamma", 1, 1, inter), p.get(b + "grn.beta", 1, 1, inter),
                    p.linear(b + "pwconv2", inter, dim, true));
        }
    }

    /** Vocabulary size the embedding accepts (ids 0 .. numEmbeds-1 before the +1 shift). */
    int numEmbeds() { return numRows - 1; }

    /**
     * text: batch rows of token ids (-1 = padding; rows may be ragged); len: frames; validLen: per-sample
     * valid frames (null: all {@code len}). Returns batch x len x dim in a new array.
     */
    float[] forward(long[][] text, int len, int[] validLen, boolean dropText, Trace trace) {
        int batch = text.length, rows = batch * len;
        int[] ids = new int[rows];
        float[] keepText = new float[rows];
        float[] keepPos = validLen == null ? null : new float[rows];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < len; i++) {
                long id = i < text[b].length ? text[b][i] + 1 : 0;
                if (validLen != null && i >= validLen[b]) id = 0;
                if (id < 0 || id >= numRows) {
                    throw new F5jException("text token id " + (id - 1) + " is outside the model's vocabulary of "
                            + (numRows - 1) + " tokens (-1 = padding): does the vocab file belong to this model?");
                }
                ids[b * len + i] = (int) id;
                keepText[b * len + i] = id == 0 ? 0f : 1f;
                if (keepPos != null) keepPos[b * len + i] = i < validLen[b] ? 1f : 0f;
            }
        }
        if (dropText) java.util.Arrays.fill(ids, 0);

        float[] x = new float[rows * dim];
        be.gatherRows(table, dim, ids, rows, x);
        Rec.out(trace, "text_embed.text_embed", x, batch, len, dim);
        if (keepPos != null) be.zeroRows(x, rows, dim, keepPos);

        if (convLayers > 0) {
            positions(len);
            int[] valid = validLen;
            if (valid == null) {
                valid = new int[batch];
                java.util.Arrays.fill(valid, len);
            }
            be.addCosSin(x, batch, len, dim / 2, posCos, posSin, valid);
            if (maskPadding) be.zeroRows(x, rows, dim, keepText);
            for (int i = 0; i < convLayers; i++) {
                x = block(i, x, batch, len, trace);
                if (maskPadding) be.zeroRows(x, rows, dim, keepText);
            }
            if (!maskPadding) Rec.out(trace, "text_embed.text_blocks", x, batch, len, dim);
        }
        Rec.out(trace, "text_embed", x, batch, len, dim);
        return x;
    }

    /** The position table, computed by every call (cheap): a cached one would make recorded plans depend on history. */
    private void positions(int len) {
        posCos = ws.get("text.pos.cos", len * dim / 2);
        posSin = ws.get("text.pos.sin", len * dim / 2);
        be.angleTable(posInvFreq, dim / 2, len, posCos, posSin);
    }

    /** One ConvNeXt-V2 block; returns its output in a new array (the residual input stays intact). */
    private float[] block(int i, float[] x, int batch, int len, Trace trace) {
        Block w = blocks[i];
        String m = "text_embed.text_blocks." + i;
        int rows = batch * len, inter = dim * 2;
        float[] dw = ws.get("text.dw", rows * dim);
        be.conv1d(x, batch, len, dim, w.dwW, w.dwB, dim, KERNEL, dim, KERNEL / 2, dw);
        Rec.conv(trace, m + ".dwconv", dw, batch, len, dim);
        float[] nrm = ws.get("text.norm", rows * dim);
        be.layerNorm(dw, rows, dim, w.normW, w.normB, 1e-6f, nrm);
        Rec.out(trace, m + ".norm", nrm, batch, len, dim);
        float[] h = ws.get("text.h", rows * inter);
        w.pw1.apply(be, nrm, rows, h);
        Rec.out(trace, m + ".pwconv1", h, batch, len, inter);
        float[] a = ws.get("text.act", rows * inter);
        be.geluErf(h, rows * inter, a);
        Rec.out(trace, m + ".act", a, batch, len, inter);
        float[] g = ws.get("text.grn", rows * inter);
        be.grn(a, batch, len, inter, w.grnGamma, w.grnBeta, ws.get("text.nx", batch * inter), g);
        Rec.out(trace, m + ".grn", g, batch, len, inter);
        float[] o = ws.get("text.pw2", rows * dim);
        w.pw2.apply(be, g, rows, o);
        Rec.out(trace, m + ".pwconv2", o, batch, len, dim);
        float[] y = new float[rows * dim];
        be.add(x, o, rows * dim, y);
        Rec.out(trace, m, y, batch, len, dim);
        return y;
    }
}

package f5j.dit;

import f5j.compute.Backend;
import f5j.config.DitArch;
import f5j.tensor.Tensor;
import f5j.trace.Trace;
import f5j.util.F5jException;
import f5j.weights.RawTensor;

import java.util.Map;

/**
 * The F5-TTS DiT backbone (upstream {@code model/backbones/dit.py}): predicts the flow for noisy mel frames
 * given the masked reference mel, the text and the time. Module outputs are recorded in a {@link Trace}
 * under their PyTorch module paths. Not thread-safe: it reuses scratch buffers between calls.
 */
public final class DiT {
    private final DitArch arch;
    private final Backend be;
    private final Workspace ws = new Workspace();
    private final int melDim, textDim;
    private final TimestepEmbedding timeEmbed;
    private final TextEmbedding textEmbed;
    private final InputEmbedding inputEmbed;
    private final DiTBlock[] blocks;
    private final Linear longSkip, normOut, projOut;
    private final float[] ropeInvFreq;
    private int ropeLen = -1;
    private float[] ropeCos, ropeSin;
    /** Text-embedding cache of upstream's {@code cache=True} calls (conditional / dropped text). */
    private float[] textCond, textUncond;

    private DiT(Params p, DitArch arch, Backend be) {
        this.arch = arch;
        this.be = be;
        int dim = arch.dim();
        melDim = p.shape("proj_out.weight")[0];
        textDim = p.shape("text_embed.text_embed.weight")[1];
        if (textDim != arch.textDim()) {
            throw new F5jException("state dict: text embedding width " + textDim + " != arch text_dim " + arch.textDim());
        }
        if (dim % 16 != 0) throw new F5jException("arch: dim " + dim + " must be a multiple of 16 (grouped position convs)");
        timeEmbed = new TimestepEmbedding(p, dim, be);
        textEmbed = new TextEmbedding(p, textDim, arch.convLayers(), arch.textMaskPadding(), be, ws);
        inputEmbed = new InputEmbedding(p, melDim, textDim, dim, be, ws);
        blocks = new DiTBlock[arch.depth()];
        for (int i = 0; i < blocks.length; i++) blocks[i] = new DiTBlock(p, i, arch, be, ws);
        longSkip = arch.longSkipConnection() ? p.linear("long_skip_connection", 2 * dim, dim, false) : null;
        normOut = p.linear("norm_out.linear", dim, 2 * dim, true);
        projOut = p.linear("proj_out", dim, melDim, true);
        int half = arch.dimHead() / 2;
        if (p.has("rotary_embed.inv_freq")) {
            ropeInvFreq = p.get("rotary_embed.inv_freq", half);
        } else {
            ropeInvFreq = new float[half];
            for (int k = 0; k < half; k++) ropeInvFreq[k] = 1f / (float) Math.pow(10000f, (float) (2 * k) / arch.dimHead());
        }
    }

    /**
     * Builds the DiT from a CFM state dict ({@code transformer.*} keys, {@code ema_model.} already stripped).
     * The mel width and vocabulary size come from the weights.
     */
    public static DiT load(Map<String, RawTensor> sd, DitArch arch, Backend backend) {
        return new DiT(new Params(sd, "transformer."), arch, backend);
    }

    public DitArch arch() { return arch; }

    public Backend backend() { return be; }

    public int melDim() { return melDim; }

    /** Token ids the text embedding accepts: 0 .. textNumEmbeds()-1 (the vocabulary size). */
    public int textNumEmbeds() { return textEmbed.numEmbeds(); }

    /** Forward without the text-embedding cache (upstream's default {@code cache=False}). */
    public Tensor forward(Tensor x, Tensor cond, long[][] text, float[] time, boolean[][] mask, boolean dropAudioCond,
                          boolean dropText, boolean cfgInfer, Trace trace) {
        return forward(x, cond, text, time, mask, dropAudioCond, dropText, cfgInfer, false, trace);
    }

    /**
     * One DiT call. x, cond: {@code b n melDim}; text: b rows of token ids padded with -1; time: one value
     * (repeated over the batch) or b values; mask: b x n valid frames or null. With cfgInfer the result has
     * 2b rows: conditional predictions, then unconditional ones (audio condition and text dropped).
     * With cache, text embeddings are computed once and reused until {@link #clearCache()}, as upstream.
     */
    public Tensor forward(Tensor x, Tensor cond, long[][] text, float[] time, boolean[][] mask, boolean dropAudioCond,
                          boolean dropText, boolean cfgInfer, boolean cache, Trace trace) {
        if (trace == null) trace = Trace.OFF;
        if (x.rank() != 3 || x.dim(2) != melDim || !java.util.Arrays.equals(x.shape, cond.shape)) {
            throw new IllegalArgumentException("x and cond must both be b n " + melDim + ", got " + x.shapeString()
                    + " and " + cond.shapeString());
        }
        int b = x.dim(0), n = x.dim(1), dim = arch.dim();
        if (text.length != b) throw new IllegalArgumentException("text has " + text.length + " rows for batch " + b);
        float[] tb = new float[b];
        if (time.length == 1) java.util.Arrays.fill(tb, time[0]);
        else if (time.length == b) System.arraycopy(time, 0, tb, 0, b);
        else throw new IllegalArgumentException("time has " + time.length + " values for batch " + b);

        int[] validLen = null;
        float[] keep = null;
        if (mask != null) {
            validLen = new int[b];
            keep = new float[b * n];
            int max = 0;
            for (int i = 0; i < b; i++) {
                if (mask[i].length != n) throw new IllegalArgumentException("mask row " + i + " has " + mask[i].length + " frames, x has " + n);
                for (int j = 0; j < n; j++) {
                    if (mask[i][j]) {
                        validLen[i]++;
                        keep[i * n + j] = 1f;
                    }
                }
                max = Math.max(max, validLen[i]);
            }
            // upstream sizes the text embedding by the longest valid length; shorter than n cannot be concatenated
            if (max != n) throw new IllegalArgumentException("mask: the longest sample has " + max + " valid frames, x has " + n);
        }

        float[] t = timeEmbed.forward(tb, trace);
        int rowsB = cfgInfer ? 2 * b : b;
        float[] h = ws.get("dit.h", rowsB * n * dim);
        float[] tAll = t, keepAll = keep;
        if (cfgInfer) {
            // pack conditional rows, then unconditional ones (audio condition and text dropped)
            int half = b * n * dim;
            float[] hc = ws.get("dit.hc", half), hu = ws.get("dit.hu", half);
            inputEmbedding(x, cond, text, false, false, cache, validLen, keep, b, n, hc, trace);
            inputEmbedding(x, cond, text, true, true, cache, validLen, keep, b, n, hu, trace);
            System.arraycopy(hc, 0, h, 0, half);
            System.arraycopy(hu, 0, h, half, half);
            tAll = new float[2 * b * dim];
            System.arraycopy(t, 0, tAll, 0, t.length);
            System.arraycopy(t, 0, tAll, t.length, t.length);
            if (keep != null) {
                keepAll = new float[2 * b * n];
                System.arraycopy(keep, 0, keepAll, 0, keep.length);
                System.arraycopy(keep, 0, keepAll, keep.length, keep.length);
            }
        } else {
            inputEmbedding(x, cond, text, dropAudioCond, dropText, cache, validLen, keep, b, n, h, trace);
        }

        rope(n);
        int rows = rowsB * n;
        float[] residual = longSkip == null ? null : h.clone();
        for (DiTBlock blk : blocks) blk.forward(h, tAll, rowsB, n, keepAll, ropeCos, ropeSin, trace);
        if (longSkip != null) {
            float[] cat = ws.get("dit.skipcat", rows * 2 * dim);
            be.concatLast(h, dim, residual, dim, false, null, 0, rows, cat);
            longSkip.apply(be, cat, rows, h);
            Rec.out(trace, "long_skip_connection", h, rowsB, n, dim);
        }

        // AdaLayerNorm_Final: emb chunks are scale, shift
        float[] st = ws.get("out.silu", rowsB * dim);
        be.silu(tAll, rowsB * dim, st);
        Rec.out(trace, "norm_out.silu", st, rowsB, dim);
        float[] emb = ws.get("out.emb", rowsB * 2 * dim);
        normOut.apply(be, st, rowsB, emb);
        Rec.out(trace, "norm_out.linear", emb, rowsB, 2 * dim);
        float[] nrm = ws.get("out.norm", rows * dim);
        be.layerNorm(h, rows, dim, null, null, 1e-6f, nrm);
        Rec.out(trace, "norm_out.norm", nrm, rowsB, n, dim);
        be.modulate(nrm, rowsB, n, dim, emb, 2 * dim, 0, dim, h);
        Rec.out(trace, "norm_out", h, rowsB, n, dim);
        float[] out = new float[rows * melDim];
        projOut.apply(be, h, rows, out);
        Rec.out(trace, "proj_out", out, rowsB, n, melDim);
        return new Tensor(out, rowsB, n, melDim);
    }

    /** Forgets the cached text embeddings (upstream {@code clear_cache}). */
    public void clearCache() {
        textCond = null;
        textUncond = null;
    }

    /** Text embedding (through the cache when asked) and input embedding into out (b x n x dim). */
    private void inputEmbedding(Tensor x, Tensor cond, long[][] text, boolean dropAudioCond, boolean dropText,
                                boolean cache, int[] validLen, float[] keep, int b, int n, float[] out, Trace trace) {
        float[] te = null;
        if (textCond == null || textUncond == null || !cache) {
            te = textEmbed.forward(text, n, validLen, dropText, trace);
            if (cache) {
                if (dropText) textUncond = te;
                else textCond = te;
            }
        }
        if (cache) te = dropText ? textUncond : textCond;
        inputEmbed.forward(x.data, cond.data, te, dropAudioCond, keep, b, n, out, trace);
    }

    private void rope(int n) {
        if (n == ropeLen) return;
        int half = arch.dimHead() / 2;
        ropeCos = new float[n * half];
        ropeSin = new float[n * half];
        be.angleTable(ropeInvFreq, half, n, ropeCos, ropeSin);
        ropeLen = n;
    }
}

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
    private float[] ropeCos, ropeSin;
    /** Text-embedding cache of upstream's {@code cache=True} calls (conditional / dropped text). */
    private float[] textCond, textUncond;

    /** The model's parameter arrays by identity, with their state-dict keys. */
    private final Map<Object, String> parameters;

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
        parameters = p.given();
    }

    /**
     * The arrays the forward reads its weights from, by identity, each with its state-dict key: what a
     * plan recorder names as weights (resident on a device) instead of per-run constants.
     */
    public Map<Object, String> parameters() { return parameters; }

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

        Valid valid = Valid.of(mask, b, n);
        int[] validLen = valid == null ? null : valid.len();
        float[] keep = valid == null ? null : valid.keep();
        int longest = valid == null ? n : valid.longest();

        float[] t = timeEmbed.forward(tb, trace);
        int rowsB = cfgInfer ? 2 * b : b;
        float[] h = ws.get("dit.h", rowsB * n * dim);
        float[] tAll = t, keepAll = keep;
        if (cfgInfer) {
            // pack conditional rows, then unconditional ones (audio condition and text dropped); the stacking
            // is a one-row concatenation on the backend, so the forward stays one closed kernel plan
            // (f5j.compute.plan) that a device can run without the host
            int half = b * n * dim;
            float[] hc = ws.get("dit.hc", half), hu = ws.get("dit.hu", half);
            inputEmbedding(x, cond, text, false, false, cache, validLen, keep, b, n, hc, trace);
            inputEmbedding(x, cond, text, true, true, cache, validLen, keep, b, n, hu, trace);
            be.concatLast(hc, half, hu, half, false, null, 0, 1, h);
            tAll = new float[2 * b * dim];
            be.concatLast(t, t.length, t, t.length, false, null, 0, 1, tAll);
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
        float[] residual = longSkip == null ? null : new float[h.length];
        if (longSkip != null) be.concatLast(h, h.length, null, 0, false, null, 0, 1, residual); // copy, on the backend
        // Keys: upstream masks the batch's padding only with attn_mask_enabled; frames past every sample's
        // length are padding f5j added (a device's frame bucket), never attended to.
        float[] keys = arch.attnMaskEnabled() ? keepAll : longest < n ? prefixMask(rowsB, n, longest) : null;
        for (DiTBlock blk : blocks) blk.forward(h, tAll, rowsB, n, keepAll, keys, ropeCos, ropeSin, trace);
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

    /**
     * A batch mask ({@code b x n}, true = valid frame) read once: the valid frames per sample, the mask as
     * floats, and the longest valid length; null for no mask.
     */
    private record Valid(int[] len, float[] keep, int longest) {
        static Valid of(boolean[][] mask, int b, int n) {
            if (mask == null) return null;
            int[] len = new int[b];
            float[] keep = new float[b * n];
            for (int i = 0; i < b; i++) {
                if (mask[i].length != n) throw new IllegalArgumentException("mask row " + i + " has " + mask[i].length + " frames, x has " + n);
                for (int j = 0; j < n; j++) {
                    if (mask[i][j]) {
                        len[i]++;
                        keep[i * n + j] = 1f;
                    }
                }
            }
            int longest = longest(len);
            if (longest == 0) throw new IllegalArgumentException("mask: no sample has a valid frame");
            return new Valid(len, keep, longest);
        }

        static int longest(int[] len) {
            int m = 0;
            for (int v : len) m = Math.max(m, v);
            return m;
        }
    }

    /** rows x n ones for the first {@code valid} frames of each row, zeros after. */
    private static float[] prefixMask(int rows, int n, int valid) {
        float[] m = new float[rows * n];
        for (int r = 0; r < rows; r++) java.util.Arrays.fill(m, r * n, r * n + valid, 1f);
        return m;
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
            te = textEmbedding(text, n, validLen, dropText, trace);
            if (cache) {
                if (dropText) textUncond = te;
                else textCond = te;
            }
        }
        if (cache) te = dropText ? textUncond : textCond;
        inputEmbed.forward(x.data, cond.data, te, dropAudioCond, keep, b, n, out, trace);
    }

    /**
     * The text embedding at the longest valid length (upstream's), zero rows after it: frames past every
     * sample's valid length are padding (a device pads the frame count to reuse one compiled plan), and
     * the valid frames must not depend on how many there are (ConvNeXt's GRN sums over time).
     */
    private float[] textEmbedding(long[][] text, int n, int[] validLen, boolean dropText, Trace trace) {
        int longest = validLen == null ? n : Valid.longest(validLen);
        float[] te = textEmbed.forward(text, longest, validLen, dropText, trace);
        if (longest == n) return te;
        float[] padded = new float[text.length * n * textDim];
        be.concatLast(te, longest * textDim, null, (n - longest) * textDim, true, null, 0, text.length, padded);
        return padded;
    }

    /**
     * The per-sample work every ODE step's forward would repeat identically, done once: fills the
     * text-embedding cache as the first {@code cache=true} forward over n frames with this mask (null: all
     * valid) would. Returns the cache, {conditional, dropped-text}
     * embeddings of b x n x textDim each. The sampler calls it outside a device plan, which then takes the
     * embeddings as inputs, so one plan serves every text of a frame count.
     */
    public float[][] prepare(long[][] text, int n, boolean[][] mask, Trace trace) {
        if (trace == null) trace = Trace.OFF;
        Valid valid = Valid.of(mask, text.length, n);
        int[] validLen = valid == null ? null : valid.len();
        textCond = textEmbedding(text, n, validLen, false, trace);
        textUncond = textEmbedding(text, n, validLen, true, trace);
        return new float[][] {textCond, textUncond};
    }

    /**
     * The rotary table for n frames, computed by every forward (a few thousand sin/cos): a table cached
     * across calls would make a recorded plan's steps depend on what ran before.
     */
    private void rope(int n) {
        int half = arch.dimHead() / 2;
        ropeCos = ws.get("rope.cos", n * half);
        ropeSin = ws.get("rope.sin", n * half);
        be.angleTable(ropeInvFreq, half, n, ropeCos, ropeSin);
    }
}

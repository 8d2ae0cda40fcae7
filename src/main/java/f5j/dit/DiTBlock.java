package f5j.dit;

import f5j.compute.Backend;
import f5j.config.DitArch;
import f5j.trace.Trace;

/**
 * {@code transformer_blocks.i}: AdaLayerNorm (SiLU + Linear of the time embedding into shift/scale/gate
 * for attention and feed-forward), self-attention (optional RMS qk-norm, rotary on all or the first
 * {@code pe_attn_head} heads, key mask as the DiT decides it, output zeroed on padded frames), tanh-GELU feed-forward, both added back through their gates.
 */
final class DiTBlock {
    private static final float EPS = 1e-6f;

    private final Backend be;
    private final Workspace ws;
    private final String name;
    private final int dim, heads, dimHead, inner, ffDim, ropeHeads;
    private final Linear ada, toQ, toK, toV, toOut, ff0, ff2;
    private final float[] qNorm, kNorm;

    DiTBlock(Params p, int index, DitArch arch, Backend be, Workspace ws) {
        this.be = be;
        this.ws = ws;
        this.name = "transformer_blocks." + index;
        dim = arch.dim();
        heads = arch.heads();
        dimHead = arch.dimHead();
        inner = arch.innerDim();
        ffDim = dim * arch.ffMult();
        ropeHeads = arch.ropeHeads();
        String b = name + ".";
        ada = p.linear(b + "attn_norm.linear", dim, 6 * dim, true);
        toQ = p.linear(b + "attn.to_q", dim, inner, true);
        toK = p.linear(b + "attn.to_k", dim, inner, true);
        toV = p.linear(b + "attn.to_v", dim, inner, true);
        toOut = p.linear(b + "attn.to_out.0", inner, dim, true);
        boolean rms = "rms_norm".equals(arch.qkNorm());
        qNorm = rms ? p.get(b + "attn.q_norm.weight", dimHead) : null;
        kNorm = rms ? p.get(b + "attn.k_norm.weight", dimHead) : null;
        ff0 = p.linear(b + "ff.ff.0.0", dim, ffDim, true);
        ff2 = p.linear(b + "ff.ff.2", ffDim, dim, true);
    }

    /**
     * Updates x (batch x len x dim) in place. t: batch x dim time embedding; keep: batch*len frame mask or
     * null; keys: the attention's key mask (batch*len) or null; cos/sin: rotary tables (len x dimHead/2).
     */
    void forward(float[] x, float[] t, int batch, int len, float[] keep, float[] keys, float[] cos, float[] sin,
                 Trace trace) {
        int rows = batch * len, n = rows * dim;
        // AdaLayerNorm: emb chunks are shift_msa, scale_msa, gate_msa, shift_mlp, scale_mlp, gate_mlp
        float[] st = ws.get("blk.silu", batch * dim);
        be.silu(t, batch * dim, st);
        Rec.out(trace, name + ".attn_norm.silu", st, batch, dim);
        float[] emb = ws.get("blk.emb", batch * 6 * dim);
        ada.apply(be, st, batch, emb);
        Rec.out(trace, name + ".attn_norm.linear", emb, batch, 6 * dim);
        float[] nrm = ws.get("blk.norm", n);
        be.layerNorm(x, rows, dim, null, null, EPS, nrm);
        Rec.out(trace, name + ".attn_norm.norm", nrm, batch, len, dim);
        float[] mod = ws.get("blk.mod", n);
        be.modulate(nrm, batch, len, dim, emb, 6 * dim, dim, 0, mod);
        if (trace.wants(name + ".attn_norm")) {
            trace.record(name + ".attn_norm", new f5j.tensor.Tensor(mod, batch, len, dim),
                    Rec.columns(emb, batch, 6 * dim, 2 * dim, dim), Rec.columns(emb, batch, 6 * dim, 3 * dim, dim),
                    Rec.columns(emb, batch, 6 * dim, 4 * dim, dim), Rec.columns(emb, batch, 6 * dim, 5 * dim, dim));
        }

        float[] attn = attention(mod, batch, len, keep, keys, cos, sin, trace);
        be.gatedAdd(x, attn, batch, len, dim, emb, 6 * dim, 2 * dim);

        be.layerNorm(x, rows, dim, null, null, EPS, nrm);
        Rec.out(trace, name + ".ff_norm", nrm, batch, len, dim);
        be.modulate(nrm, batch, len, dim, emb, 6 * dim, 4 * dim, 3 * dim, mod);
        float[] h = ws.get("blk.ffh", rows * ffDim);
        ff0.apply(be, mod, rows, h);
        Rec.out(trace, name + ".ff.ff.0.0", h, batch, len, ffDim);
        float[] g = ws.get("blk.ffg", rows * ffDim);
        be.geluTanh(h, rows * ffDim, g);
        Rec.out(trace, name + ".ff.ff.0.1", g, batch, len, ffDim);
        Rec.out(trace, name + ".ff.ff.0", g, batch, len, ffDim);
        float[] f = ws.get("blk.ffo", n);
        ff2.apply(be, g, rows, f);
        Rec.out(trace, name + ".ff.ff.2", f, batch, len, dim);
        Rec.out(trace, name + ".ff.ff", f, batch, len, dim);
        Rec.out(trace, name + ".ff", f, batch, len, dim);
        be.gatedAdd(x, f, batch, len, dim, emb, 6 * dim, 5 * dim);
        Rec.out(trace, name, x, batch, len, dim);
    }

    private float[] attention(float[] h, int batch, int len, float[] keep, float[] keys, float[] cos, float[] sin,
                              Trace trace) {
        int rows = batch * len, ni = rows * inner;
        String a = name + ".attn";
        float[] q = ws.get("attn.q", ni), k = ws.get("attn.k", ni), v = ws.get("attn.v", ni);
        toQ.apply(be, h, rows, q);
        Rec.out(trace, a + ".to_q", q, batch, len, inner);
        toK.apply(be, h, rows, k);
        Rec.out(trace, a + ".to_k", k, batch, len, inner);
        toV.apply(be, h, rows, v);
        Rec.out(trace, a + ".to_v", v, batch, len, inner);
        if (qNorm != null) {
            be.rmsNorm(q, rows * heads, dimHead, qNorm, EPS, q);
            if (trace.wants(a + ".q_norm")) trace.record(a + ".q_norm", Rec.heads(q, batch, len, heads, dimHead));
            be.rmsNorm(k, rows * heads, dimHead, kNorm, EPS, k);
            if (trace.wants(a + ".k_norm")) trace.record(a + ".k_norm", Rec.heads(k, batch, len, heads, dimHead));
        }
        be.rotary(q, batch, len, heads, dimHead, ropeHeads, cos, sin);
        be.rotary(k, batch, len, heads, dimHead, ropeHeads, cos, sin);
        float[] o = ws.get("attn.o", ni);
        be.attention(q, k, v, batch, len, heads, dimHead, keys, o);
        float[] out = ws.get("attn.out", rows * dim);
        toOut.apply(be, o, rows, out);
        Rec.out(trace, a + ".to_out.0", out, batch, len, dim);
        if (keep != null) be.zeroRows(out, rows, dim, keep);
        Rec.out(trace, a, out, batch, len, dim);
        return out;
    }
}

package f5j.weights;

import f5j.config.DitArch;
import f5j.util.F5jException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors an upstream CFM(DiT) state dict holds for an architecture, with their shapes (what
 * {@code model.load_state_dict(strict=True)} would accept).
 */
public final class DitShapes {
    /** Upstream's fixed sizes: sinusoidal time features, ConvPositionEmbedding and ConvNeXt kernels, groups. */
    static final int FREQ_EMBED_DIM = 256, CONV_POS_KERNEL = 31, CONV_POS_GROUPS = 16, CONVNEXT_KERNEL = 7, CONV_MULT = 2;

    private DitShapes() {}

    /** Every parameter and persistent buffer of {@code CFM(transformer=DiT(**arch))}, in module order. */
    public static Map<String, long[]> expected(DitArch a, int vocabSize, int melDim) {
        Map<String, long[]> m = new LinkedHashMap<>();
        long dim = a.dim(), td = a.textDim(), inner = a.innerDim(), ff = (long) a.dim() * a.ffMult();
        String t = "transformer.";
        linear(m, t + "time_embed.time_mlp.0", dim, FREQ_EMBED_DIM);
        linear(m, t + "time_embed.time_mlp.2", dim, dim);
        m.put(t + "text_embed.text_embed.weight", s(vocabSize + 1L, td));  // id 0 is the filler token
        for (int i = 0; i < a.convLayers(); i++) {
            String b = t + "text_embed.text_blocks." + i + ".";
            m.put(b + "dwconv.weight", s(td, 1, CONVNEXT_KERNEL));
            m.put(b + "dwconv.bias", s(td));
            m.put(b + "norm.weight", s(td));
            m.put(b + "norm.bias", s(td));
            linear(m, b + "pwconv1", td * CONV_MULT, td);
            m.put(b + "grn.gamma", s(1, 1, td * CONV_MULT));
            m.put(b + "grn.beta", s(1, 1, td * CONV_MULT));
            linear(m, b + "pwconv2", td, td * CONV_MULT);
        }
        linear(m, t + "input_embed.proj", dim, 2L * melDim + td);
        for (int i : new int[] {0, 2}) {
            m.put(t + "input_embed.conv_pos_embed.conv1d." + i + ".weight", s(dim, dim / CONV_POS_GROUPS, CONV_POS_KERNEL));
            m.put(t + "input_embed.conv_pos_embed.conv1d." + i + ".bias", s(dim));
        }
        m.put(t + "rotary_embed.inv_freq", s((a.dimHead() + 1) / 2));
        for (int i = 0; i < a.depth(); i++) {
            String b = t + "transformer_blocks." + i + ".";
            linear(m, b + "attn_norm.linear", 6 * dim, dim);
            linear(m, b + "attn.to_q", inner, dim);
            linear(m, b + "attn.to_k", inner, dim);
            linear(m, b + "attn.to_v", inner, dim);
            if ("rms_norm".equals(a.qkNorm())) {
                m.put(b + "attn.q_norm.weight", s(a.dimHead()));
                m.put(b + "attn.k_norm.weight", s(a.dimHead()));
            }
            linear(m, b + "attn.to_out.0", dim, inner);
            linear(m, b + "ff.ff.0.0", ff, dim);
            linear(m, b + "ff.ff.2", dim, ff);
        }
        if (a.longSkipConnection()) m.put(t + "long_skip_connection.weight", s(dim, 2 * dim));
        linear(m, t + "norm_out.linear", 2 * dim, dim);
        linear(m, t + "proj_out", melDim, dim);
        return m;
    }

    /** Throws, naming {@code source} and {@code configSource}, unless the state dict fits the architecture exactly. */
    public static void require(Map<String, RawTensor> sd, DitArch arch, int vocabSize, int melDim, String source, String configSource) {
        ShapeCheck r = ShapeCheck.of(sd, expected(arch, vocabSize, melDim));
        if (!r.ok()) {
            throw new F5jException(source + ": does not fit " + configSource + " (vocab size " + vocabSize + ", " + melDim
                    + " mel channels): " + r.describe());
        }
    }

    private static void linear(Map<String, long[]> m, String name, long out, long in) {
        m.put(name + ".weight", s(out, in));
        m.put(name + ".bias", s(out));
    }

    private static long[] s(long... dims) { return dims; }
}

package f5j.weights;

import f5j.config.DitArch;
import f5j.util.F5jException;

import java.util.List;
import java.util.Map;

/**
 * The DiT's parameter list: the tensors an upstream CFM(DiT) state dict holds for an architecture, with their
 * shapes (what {@code model.load_state_dict(strict=True)} would accept) and how random weights fill them.
 */
public final class DitShapes {
    /** Upstream's fixed sizes: sinusoidal time features, ConvPositionEmbedding and ConvNeXt kernels, groups. */
    static final int FREQ_EMBED_DIM = 256, CONV_POS_KERNEL = 31, CONV_POS_GROUPS = 16, CONVNEXT_KERNEL = 7, CONV_MULT = 2;

    private DitShapes() {}

    /** Every parameter and persistent buffer of {@code CFM(transformer=DiT(**arch))}, in module order. */
    public static List<Param> params(DitArch a, int vocabSize, int melDim) {
        Param.Builder m = new Param.Builder();
        long dim = a.dim(), td = a.textDim(), inner = a.innerDim(), ff = (long) a.dim() * a.ffMult();
        String t = "transformer.";
        m.linear(t + "time_embed.time_mlp.0", dim, FREQ_EMBED_DIM);
        m.linear(t + "time_embed.time_mlp.2", dim, dim);
        m.add(t + "text_embed.text_embed.weight", new Param.Uniform(1), vocabSize + 1L, td);  // id 0 is the filler token
        for (int i = 0; i < a.convLayers(); i++) {
            String b = t + "text_embed.text_blocks." + i + ".";
            m.conv1d(b + "dwconv", td, 1, CONVNEXT_KERNEL);
            m.layerNorm(b + "norm", td);
            m.linear(b + "pwconv1", td * CONV_MULT, td);
            // upstream starts GRN at zero (identity); small values make random weights exercise it
            m.add(b + "grn.gamma", new Param.Uniform(0.1), 1, 1, td * CONV_MULT);
            m.add(b + "grn.beta", new Param.Uniform(0.1), 1, 1, td * CONV_MULT);
            m.linear(b + "pwconv2", td, td * CONV_MULT);
        }
        m.linear(t + "input_embed.proj", dim, 2L * melDim + td);
        for (int i : new int[] {0, 2}) {
            m.conv1d(t + "input_embed.conv_pos_embed.conv1d." + i, dim, dim / CONV_POS_GROUPS, CONV_POS_KERNEL);
        }
        m.add(t + "rotary_embed.inv_freq", new Param.Buffer(), (a.dimHead() + 1) / 2);
        for (int i = 0; i < a.depth(); i++) {
            String b = t + "transformer_blocks." + i + ".";
            m.linear(b + "attn_norm.linear", 6 * dim, dim);
            m.linear(b + "attn.to_q", inner, dim);
            m.linear(b + "attn.to_k", inner, dim);
            m.linear(b + "attn.to_v", inner, dim);
            if ("rms_norm".equals(a.qkNorm())) {
                m.add(b + "attn.q_norm.weight", new Param.Constant(1), a.dimHead());
                m.add(b + "attn.k_norm.weight", new Param.Constant(1), a.dimHead());
            }
            m.linear(b + "attn.to_out.0", dim, inner);
            m.linear(b + "ff.ff.0.0", ff, dim);
            m.linear(b + "ff.ff.2", dim, ff);
        }
        if (a.longSkipConnection()) m.add(t + "long_skip_connection.weight", Param.fanIn(2 * dim), dim, 2 * dim);  // no bias
        m.linear(t + "norm_out.linear", 2 * dim, dim);
        m.linear(t + "proj_out", melDim, dim);
        return m.build();
    }

    /** The shapes of {@link #params}, by name in module order. */
    public static Map<String, long[]> expected(DitArch a, int vocabSize, int melDim) {
        return Param.shapes(params(a, vocabSize, melDim));
    }

    /** The state-dict names alone ({@code transformer.} prefix): they do not depend on the vocabulary or mel sizes. */
    public static List<String> names(DitArch a) {
        return Param.names(params(a, 1, 1));
    }

    /** Throws, naming {@code source} and {@code configSource}, unless the state dict fits the architecture exactly. */
    public static void require(Map<String, RawTensor> sd, DitArch arch, int vocabSize, int melDim, String source, String configSource) {
        ShapeCheck r = ShapeCheck.of(sd, expected(arch, vocabSize, melDim));
        if (!r.ok()) {
            throw new F5jException(source + ": does not fit " + configSource + " (vocab size " + vocabSize + ", " + melDim
                    + " mel channels): " + r.describe());
        }
    }
}

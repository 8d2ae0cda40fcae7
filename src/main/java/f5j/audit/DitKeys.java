package f5j.audit;

import f5j.config.DitArch;

import java.util.ArrayList;
import java.util.List;

/** The state-dict names (CFM layout, {@code transformer.} prefix) an upstream DiT of an architecture holds. */
final class DitKeys {
    private DitKeys() {}

    static List<String> expected(DitArch a) {
        List<String> k = new ArrayList<>();
        wb(k, "time_embed.time_mlp.0");
        wb(k, "time_embed.time_mlp.2");
        k.add("text_embed.text_embed.weight");
        for (int i = 0; i < a.convLayers(); i++) {
            String p = "text_embed.text_blocks." + i + ".";
            wb(k, p + "dwconv");
            wb(k, p + "norm");
            wb(k, p + "pwconv1");
            k.add(p + "grn.gamma");
            k.add(p + "grn.beta");
            wb(k, p + "pwconv2");
        }
        wb(k, "input_embed.proj");
        wb(k, "input_embed.conv_pos_embed.conv1d.0");
        wb(k, "input_embed.conv_pos_embed.conv1d.2");
        k.add("rotary_embed.inv_freq");
        for (int i = 0; i < a.depth(); i++) {
            String p = "transformer_blocks." + i + ".";
            wb(k, p + "attn_norm.linear");
            for (String q : new String[]{"to_q", "to_k", "to_v"}) wb(k, p + "attn." + q);
            if (a.qkNorm() != null) {
                k.add(p + "attn.q_norm.weight");
                k.add(p + "attn.k_norm.weight");
            }
            wb(k, p + "attn.to_out.0");
            wb(k, p + "ff.ff.0.0");
            wb(k, p + "ff.ff.2");
        }
        if (a.longSkipConnection()) k.add("long_skip_connection.weight");
        wb(k, "norm_out.linear");
        wb(k, "proj_out");
        return k.stream().map(s -> "transformer." + s).toList();
    }

    private static void wb(List<String> k, String module) {
        k.add(module + ".weight");
        k.add(module + ".bias");
    }
}

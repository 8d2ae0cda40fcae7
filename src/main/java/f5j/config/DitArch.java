package f5j.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import f5j.util.F5jException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The DiT constructor arguments (upstream {@code model.arch}). {@code peAttnHead} null means rotary on
 * all heads; {@code qkNorm} null or "rms_norm". {@code textNumEmbeds} and {@code melDim} come from the
 * vocab size and mel channels, not from the arch section.
 */
public record DitArch(int dim, int depth, int heads, int dimHead, int ffMult, int textDim, boolean textMaskPadding,
                      String qkNorm, int convLayers, Integer peAttnHead, boolean attnMaskEnabled,
                      boolean longSkipConnection) {

    /**
     * Every value is checked (integer, within a range) before anything is sized from it. The maxima are
     * several times the largest published F5-TTS (dim 1024, depth 22, 16 heads of 64): enough for any
     * plausible fine-tune, small enough that a typo cannot ask for terabytes.
     */
    public static DitArch fromMap(Map<String, Object> a, String source) {
        ConfigValues v = new ConfigValues(a, source, "model.arch");
        int heads = v.integer("heads", 8, 1, 256);
        Integer pe = v.has("pe_attn_head") ? v.integer("pe_attn_head", 0, 0, heads) : null;
        Object qk = a.get("qk_norm");
        if (qk != null && !"rms_norm".equals(qk)) throw new F5jException(source + ": model.arch.qk_norm must be null or rms_norm, got " + ConfigValues.show(qk));
        DitArch arch = new DitArch(v.required("dim", 1, 16384), v.required("depth", 1, 256), heads,
                v.integer("dim_head", 64, 1, 1024), v.integer("ff_mult", 4, 1, 16), v.integer("text_dim", 100, 1, 16384),
                v.bool("text_mask_padding", true), (String) qk, v.integer("conv_layers", 0, 0, 64), pe,
                v.bool("attn_mask_enabled", false), v.bool("long_skip_connection", false));
        if ((long) arch.heads * arch.dimHead > 65536) {
            throw new F5jException(source + ": model.arch.heads x dim_head = " + (long) arch.heads * arch.dimHead + " (at most 65536)");
        }
        return arch;
    }

    /** From the JSON {@code arch} metadata of a golden file. */
    public static DitArch fromJson(String json, String source) {
        JsonObject o;
        try {
            o = JsonParser.parseString(json).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new F5jException(source + ": not a JSON object (" + e.getMessage() + ")");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            JsonElement v = e.getValue();
            if (v.isJsonNull()) m.put(e.getKey(), null);
            else if (v.getAsJsonPrimitive().isBoolean()) m.put(e.getKey(), v.getAsBoolean());
            else if (v.getAsJsonPrimitive().isNumber()) m.put(e.getKey(), ConfigValues.jsonNumber(v.getAsJsonPrimitive()));
            else m.put(e.getKey(), v.getAsString());
        }
        return fromMap(m, source);
    }

    public int innerDim() { return heads * dimHead; }

    /** How many heads get rotary embeddings. */
    public int ropeHeads() { return peAttnHead == null ? heads : peAttnHead; }

    String toYaml(String ind) {
        return ind + "dim: " + dim + "\n" + ind + "depth: " + depth + "\n" + ind + "heads: " + heads + "\n"
                + ind + "dim_head: " + dimHead + "\n" + ind + "ff_mult: " + ffMult + "\n" + ind + "text_dim: " + textDim + "\n"
                + ind + "text_mask_padding: " + textMaskPadding + "\n" + ind + "qk_norm: " + (qkNorm == null ? "null" : qkNorm) + "\n"
                + ind + "conv_layers: " + convLayers + "\n" + ind + "pe_attn_head: " + (peAttnHead == null ? "null" : peAttnHead) + "\n"
                + ind + "attn_mask_enabled: " + attnMaskEnabled + "\n" + ind + "long_skip_connection: " + longSkipConnection + "\n";
    }
}

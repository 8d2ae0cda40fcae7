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

    public static DitArch fromMap(Map<String, Object> a, String source) {
        try {
            return new DitArch(req(a, "dim", source), req(a, "depth", source), intOr(a, "heads", 8),
                    intOr(a, "dim_head", 64), intOr(a, "ff_mult", 4), intOr(a, "text_dim", 100),
                    boolOr(a, "text_mask_padding", true), a.get("qk_norm") == null ? null : a.get("qk_norm").toString(),
                    intOr(a, "conv_layers", 0), a.get("pe_attn_head") == null ? null : ((Number) a.get("pe_attn_head")).intValue(),
                    boolOr(a, "attn_mask_enabled", false), boolOr(a, "long_skip_connection", false));
        } catch (ClassCastException e) {
            throw new F5jException(source + ": model.arch has a value of the wrong type (" + e.getMessage() + ")");
        }
    }

    /** From the JSON {@code arch} metadata of a golden file. */
    public static DitArch fromJson(String json, String source) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            JsonElement v = e.getValue();
            if (v.isJsonNull()) m.put(e.getKey(), null);
            else if (v.getAsJsonPrimitive().isBoolean()) m.put(e.getKey(), v.getAsBoolean());
            else if (v.getAsJsonPrimitive().isNumber()) m.put(e.getKey(), v.getAsNumber().intValue());
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

    private static int req(Map<String, Object> a, String k, String source) {
        Object v = a.get(k);
        if (!(v instanceof Number n)) throw new F5jException(source + ": model.arch." + k + " is missing");
        return n.intValue();
    }

    private static int intOr(Map<String, Object> a, String k, int d) {
        Object v = a.get(k);
        return v instanceof Number n ? n.intValue() : d;
    }

    private static boolean boolOr(Map<String, Object> a, String k, boolean d) {
        Object v = a.get(k);
        return v instanceof Boolean b ? b : d;
    }
}

package f5j.bench;

import f5j.config.DitArch;
import f5j.tensor.DType;
import f5j.vocoder.VocosConfig;
import f5j.weights.RawTensor;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded random state dicts with the upstream names and shapes, for benchmarking without a checkpoint.
 * Linear/conv weights are uniform in +-1/sqrt(fan_in) (PyTorch's default init scale) so activations stay
 * in a normal range through all layers (no overflow, no subnormals); norms are identity.
 */
public final class RandomWeights {
    /** Rows of the text embedding when no vocab is given: the published Emilia vocab (2545) + filler. */
    public static final int DEFAULT_TEXT_ROWS = 2546;

    private final SplittableRandom rnd;
    private final Map<String, RawTensor> sd = new LinkedHashMap<>();

    private RandomWeights(long seed) { this.rnd = new SplittableRandom(seed); }

    /** A CFM state dict ({@code transformer.*} keys, {@code ema_model.} already stripped) for a DiT. */
    public static Map<String, RawTensor> dit(DitArch a, int textRows, int melDim, long seed) {
        RandomWeights w = new RandomWeights(seed);
        String t = "transformer.";
        int d = a.dim(), td = a.textDim(), inner = a.innerDim();
        w.linear(t + "time_embed.time_mlp.0", 256, d);
        w.linear(t + "time_embed.time_mlp.2", d, d);
        w.uniform(t + "text_embed.text_embed.weight", 1f, textRows, td);
        for (int i = 0; i < a.convLayers(); i++) {
            String p = t + "text_embed.text_blocks." + i + ".";
            w.uniform(p + "dwconv.weight", 1f / (float) Math.sqrt(7), td, 1, 7);
            w.uniform(p + "dwconv.bias", 0.1f, td);
            w.constant(p + "norm.weight", 1f, td);
            w.constant(p + "norm.bias", 0f, td);
            w.linear(p + "pwconv1", td, td * 2);
            w.uniform(p + "grn.gamma", 0.1f, 1, 1, td * 2);
            w.uniform(p + "grn.beta", 0.1f, 1, 1, td * 2);
            w.linear(p + "pwconv2", td * 2, td);
        }
        w.linear(t + "input_embed.proj", melDim * 2 + td, d);
        for (int c : new int[] {0, 2}) {
            String p = t + "input_embed.conv_pos_embed.conv1d." + c + ".";
            w.uniform(p + "weight", 1f / (float) Math.sqrt(d / 16 * 31), d, d / 16, 31);
            w.uniform(p + "bias", 0.1f, d);
        }
        float[] invFreq = new float[a.dimHead() / 2];
        for (int i = 0; i < invFreq.length; i++) invFreq[i] = (float) (1.0 / Math.pow(10000, 2.0 * i / a.dimHead()));
        w.put(t + "rotary_embed.inv_freq", invFreq, invFreq.length);
        for (int i = 0; i < a.depth(); i++) {
            String p = t + "transformer_blocks." + i + ".";
            w.linear(p + "attn_norm.linear", d, d * 6);
            w.linear(p + "attn.to_q", d, inner);
            w.linear(p + "attn.to_k", d, inner);
            w.linear(p + "attn.to_v", d, inner);
            w.linear(p + "attn.to_out.0", inner, d);
            if ("rms_norm".equals(a.qkNorm())) {
                w.constant(p + "attn.q_norm.weight", 1f, a.dimHead());
                w.constant(p + "attn.k_norm.weight", 1f, a.dimHead());
            }
            w.linear(p + "ff.ff.0.0", d, d * a.ffMult());
            w.linear(p + "ff.ff.2", d * a.ffMult(), d);
        }
        if (a.longSkipConnection()) w.uniform(t + "long_skip_connection.weight", 1f / (float) Math.sqrt(2 * d), d, 2 * d);
        w.linear(t + "norm_out.linear", d, d * 2);
        w.linear(t + "proj_out", d, melDim);
        return w.sd;
    }

    /** A Vocos state dict ({@code backbone.*}, {@code head.*}) for a config. */
    public static Map<String, RawTensor> vocos(VocosConfig c, long seed) {
        RandomWeights w = new RandomWeights(seed);
        int d = c.dim(), h = c.intermediateDim();
        w.uniform("backbone.embed.weight", 1f / (float) Math.sqrt(c.inputChannels() * 7), d, c.inputChannels(), 7);
        w.uniform("backbone.embed.bias", 0.1f, d);
        w.constant("backbone.norm.weight", 1f, d);
        w.constant("backbone.norm.bias", 0f, d);
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "backbone.convnext." + i + ".";
            w.uniform(p + "dwconv.weight", 1f / (float) Math.sqrt(7), d, 1, 7);
            w.uniform(p + "dwconv.bias", 0.1f, d);
            w.constant(p + "norm.weight", 1f, d);
            w.constant(p + "norm.bias", 0f, d);
            w.linear(p + "pwconv1", d, h);
            w.linear(p + "pwconv2", h, d);
            w.constant(p + "gamma", 1f / c.numLayers(), d);
        }
        w.constant("backbone.final_layer_norm.weight", 1f, d);
        w.constant("backbone.final_layer_norm.bias", 0f, d);
        w.linear("head.out", d, c.headNFft() + 2);
        return w.sd;
    }

    /** Number of float parameters in a state dict. */
    public static long count(Map<String, RawTensor> sd) {
        long n = 0;
        for (RawTensor t : sd.values()) n += t.numel();
        return n;
    }

    private void linear(String name, int in, int out) {
        float bound = 1f / (float) Math.sqrt(in);
        uniform(name + ".weight", bound, out, in);
        uniform(name + ".bias", bound, out);
    }

    private void uniform(String name, float bound, int... shape) {
        float[] a = new float[Math.toIntExact(numel(shape))];
        for (int i = 0; i < a.length; i++) a[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
        put(name, a, shape);
    }

    private void constant(String name, float v, int... shape) {
        float[] a = new float[Math.toIntExact(numel(shape))];
        java.util.Arrays.fill(a, v);
        put(name, a, shape);
    }

    private void put(String name, float[] a, int... shape) {
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) s[i] = shape[i];
        // a heap segment over the array itself: no second copy of the weights
        sd.put(name, new RawTensor(name, DType.F32, s, MemorySegment.ofArray(a)));
    }

    private static long numel(int[] shape) {
        long n = 1;
        for (int v : shape) n *= v;
        return n;
    }
}

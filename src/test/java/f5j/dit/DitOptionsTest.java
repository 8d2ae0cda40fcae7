package f5j.dit;

import f5j.compute.Backend;
import f5j.config.DitArch;
import f5j.tensor.Tensor;
import f5j.trace.Trace;
import f5j.weights.RawTensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Architecture options the goldens do not exercise (RMS qk-norm, long skip, partial rotary with a key
 * mask): the forward runs on random weights and records those modules under their PyTorch paths with
 * PyTorch's shapes.
 */
class DitOptionsTest {
    private static final int MEL = 100, VOCAB = 10;
    private final SplittableRandom rnd = new SplittableRandom(3);

    @Test
    void qkNormLongSkipAndKeyMaskRunAndAreTraced() {
        DitArch arch = new DitArch(32, 2, 2, 16, 2, 16, true, "rms_norm", 1, 1, true, true);
        DiT dit = DiT.load(randomWeights(arch), arch, Backend.cpu());
        int b = 2, n = 12;
        Tensor x = randn(b, n, MEL), cond = randn(b, n, MEL);
        long[][] text = {{1, 2, 3, 4, 5}, {6, 7, -1, -1, -1}};
        boolean[][] mask = new boolean[b][n];
        for (int j = 0; j < n; j++) {
            mask[0][j] = true;
            mask[1][j] = j < 8;
        }
        Trace trace = Trace.all();
        Tensor out = dit.forward(x, cond, text, new float[] {0.3f, 0.7f}, mask, false, false, false, trace);
        assertThat(out.shape).containsExactly(b, n, MEL);
        for (float v : out.data) assertThat(Float.isFinite(v)).isTrue();
        Map<String, Tensor> rec = trace.recorded();
        assertThat(rec.get("transformer_blocks.1.attn.q_norm#0").shape).containsExactly(b, 2, n, 16);
        assertThat(rec.get("transformer_blocks.0.attn.k_norm#0").shape).containsExactly(b, 2, n, 16);
        assertThat(rec.get("long_skip_connection#0").shape).containsExactly(b, n, 32);
        // padded frames of the short sample leave attention zeroed
        float[] attn = rec.get("transformer_blocks.0.attn#0").data;
        for (int j = 8; j < n; j++)
            for (int d = 0; d < 32; d++) assertThat(attn[(n + j) * 32 + d]).isZero();
    }

    private Tensor randn(int... shape) {
        Tensor t = Tensor.zeros(shape);
        for (int i = 0; i < t.data.length; i++) t.data[i] = (float) rnd.nextGaussian();
        return t;
    }

    private Map<String, RawTensor> randomWeights(DitArch a) {
        Map<String, RawTensor> sd = new LinkedHashMap<>();
        int d = a.dim(), td = a.textDim(), in = a.innerDim(), ff = d * a.ffMult();
        String p = "transformer.";
        linear(sd, p + "time_embed.time_mlp.0", 256, d);
        linear(sd, p + "time_embed.time_mlp.2", d, d);
        put(sd, p + "text_embed.text_embed.weight", VOCAB + 1, td);
        for (int i = 0; i < a.convLayers(); i++) {
            String b = p + "text_embed.text_blocks." + i + ".";
            put(sd, b + "dwconv.weight", td, 1, 7);
            put(sd, b + "dwconv.bias", td);
            put(sd, b + "norm.weight", td);
            put(sd, b + "norm.bias", td);
            linear(sd, b + "pwconv1", td, 2 * td);
            put(sd, b + "grn.gamma", 1, 1, 2 * td);
            put(sd, b + "grn.beta", 1, 1, 2 * td);
            linear(sd, b + "pwconv2", 2 * td, td);
        }
        linear(sd, p + "input_embed.proj", 2 * MEL + td, d);
        for (String c : new String[] {"0", "2"}) {
            put(sd, p + "input_embed.conv_pos_embed.conv1d." + c + ".weight", d, d / 16, 31);
            put(sd, p + "input_embed.conv_pos_embed.conv1d." + c + ".bias", d);
        }
        for (int i = 0; i < a.depth(); i++) {
            String b = p + "transformer_blocks." + i + ".";
            linear(sd, b + "attn_norm.linear", d, 6 * d);
            for (String q : new String[] {"to_q", "to_k", "to_v"}) linear(sd, b + "attn." + q, d, in);
            put(sd, b + "attn.q_norm.weight", a.dimHead());
            put(sd, b + "attn.k_norm.weight", a.dimHead());
            linear(sd, b + "attn.to_out.0", in, d);
            linear(sd, b + "ff.ff.0.0", d, ff);
            linear(sd, b + "ff.ff.2", ff, d);
        }
        put(sd, p + "long_skip_connection.weight", d, 2 * d);
        linear(sd, p + "norm_out.linear", d, 2 * d);
        linear(sd, p + "proj_out", d, MEL);
        return sd;
    }

    private void linear(Map<String, RawTensor> sd, String name, int in, int out) {
        put(sd, name + ".weight", out, in);
        put(sd, name + ".bias", out);
    }

    private void put(Map<String, RawTensor> sd, String name, int... shape) {
        Tensor t = randn(shape);
        for (int i = 0; i < t.data.length; i++) t.data[i] *= 0.1f;
        sd.put(name, RawTensor.of(name, t));
    }
}

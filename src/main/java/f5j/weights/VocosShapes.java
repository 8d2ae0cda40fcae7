package f5j.weights;

import f5j.util.F5jException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors of a Vocos state dict (MelSpectrogramFeatures + VocosBackbone + ISTFTHead, as in
 * charactr/vocos-mel-24khz) with their shapes, from its config.yaml.
 */
public final class VocosShapes {
    private static final int EMBED_KERNEL = 7, DWCONV_KERNEL = 7;

    private VocosShapes() {}

    public static Map<String, long[]> expected(Path configYaml) {
        Map<String, Object> root;
        try (InputStream in = Files.newInputStream(configYaml)) {
            Object o = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            if (!(o instanceof Map<?, ?> m)) throw new F5jException(configYaml + ": not a Vocos config (no top-level mapping)");
            @SuppressWarnings("unchecked") Map<String, Object> mm = (Map<String, Object>) m;
            root = mm;
        } catch (NoSuchFileException e) {
            throw new F5jException(configYaml + ": no such file");
        } catch (IOException e) {
            throw new F5jException(configYaml + ": cannot read (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            if (e instanceof F5jException f) throw f;
            throw new F5jException(configYaml + ": not valid YAML (" + e.getMessage() + ")");
        }
        long fftFeat = num(root, "feature_extractor", "n_fft", configYaml), nMels = num(root, "feature_extractor", "n_mels", configYaml);
        long in = num(root, "backbone", "input_channels", configYaml), dim = num(root, "backbone", "dim", configYaml);
        long inter = num(root, "backbone", "intermediate_dim", configYaml), layers = num(root, "backbone", "num_layers", configYaml);
        long fftHead = num(root, "head", "n_fft", configYaml);
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("feature_extractor.mel_spec.spectrogram.window", new long[] {fftFeat});
        m.put("feature_extractor.mel_spec.mel_scale.fb", new long[] {fftFeat / 2 + 1, nMels});
        m.put("backbone.embed.weight", new long[] {dim, in, EMBED_KERNEL});
        m.put("backbone.embed.bias", new long[] {dim});
        m.put("backbone.norm.weight", new long[] {dim});
        m.put("backbone.norm.bias", new long[] {dim});
        for (int i = 0; i < layers; i++) {
            String b = "backbone.convnext." + i + ".";
            m.put(b + "gamma", new long[] {dim});
            m.put(b + "dwconv.weight", new long[] {dim, 1, DWCONV_KERNEL});
            m.put(b + "dwconv.bias", new long[] {dim});
            m.put(b + "norm.weight", new long[] {dim});
            m.put(b + "norm.bias", new long[] {dim});
            m.put(b + "pwconv1.weight", new long[] {inter, dim});
            m.put(b + "pwconv1.bias", new long[] {inter});
            m.put(b + "pwconv2.weight", new long[] {dim, inter});
            m.put(b + "pwconv2.bias", new long[] {dim});
        }
        m.put("backbone.final_layer_norm.weight", new long[] {dim});
        m.put("backbone.final_layer_norm.bias", new long[] {dim});
        m.put("head.out.weight", new long[] {fftHead + 2, dim});  // magnitude and phase of n_fft/2+1 bins
        m.put("head.out.bias", new long[] {fftHead + 2});
        m.put("head.istft.window", new long[] {fftHead});
        return m;
    }

    private static long num(Map<String, Object> root, String section, String key, Path file) {
        if (root.get(section) instanceof Map<?, ?> s && s.get("init_args") instanceof Map<?, ?> a && a.get(key) instanceof Number n) {
            return n.longValue();
        }
        throw new F5jException(file + ": Vocos config has no " + section + ".init_args." + key);
    }
}

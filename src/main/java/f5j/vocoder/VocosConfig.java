package f5j.vocoder;

import f5j.util.F5jException;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Vocos {@code config.yaml} (the layout of charactr/vocos-mel-24khz): {@code feature_extractor},
 * {@code backbone} and {@code head}, each a {@code class_path} with {@code init_args}. Only the mel
 * variant is supported: MelSpectrogramFeatures + VocosBackbone (no AdaLayerNorm) + ISTFTHead. Missing
 * init_args take the upstream constructor defaults.
 */
public record VocosConfig(int sampleRate, int nFft, int hopLength, int nMels, String featurePadding,
                          int inputChannels, int dim, int intermediateDim, int numLayers,
                          int headDim, int headNFft, int headHop, String headPadding) {

    public static VocosConfig load(Path file) {
        String text;
        try {
            if (Files.size(file) > 1 << 20) throw new F5jException(file + ": " + Files.size(file) + " bytes, too large for a Vocos config (at most 1048576)");
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new F5jException(file + ": no such file (a Vocos folder needs config.yaml and pytorch_model.bin)");
        } catch (IOException e) {
            throw new F5jException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        Object root;
        try {
            root = new Yaml(new SafeConstructor(f5j.config.ModelConfig.loaderOptions())).load(text);
        } catch (RuntimeException e) {
            throw new F5jException(file + ": not valid YAML (" + f5j.config.ModelConfig.yamlProblem(e) + ")", e);
        }
        if (!(root instanceof Map<?, ?> m)) throw new F5jException(file + ": not a Vocos config (no mapping at the top)");
        Map<?, ?> fe = args(file, m, "feature_extractor", "vocos.feature_extractors.MelSpectrogramFeatures");
        Map<?, ?> bb = args(file, m, "backbone", "vocos.models.VocosBackbone");
        Map<?, ?> hd = args(file, m, "head", "vocos.heads.ISTFTHead");
        if (bb.get("adanorm_num_embeddings") != null) {
            throw new F5jException(file + ": backbone.adanorm_num_embeddings is not supported (mel Vocos has none)");
        }
        if (bb.get("layer_scale_init_value") instanceof Number n && n.doubleValue() <= 0) {
            throw new F5jException(file + ": backbone.layer_scale_init_value <= 0 (no layer scale) is not supported");
        }
        VocosConfig c = new VocosConfig(
                i(file, fe, "sample_rate", 24000), i(file, fe, "n_fft", 1024), i(file, fe, "hop_length", 256),
                i(file, fe, "n_mels", 100), padding(file, fe, "feature_extractor"),
                i(file, bb, "input_channels", null), i(file, bb, "dim", null), i(file, bb, "intermediate_dim", null),
                i(file, bb, "num_layers", null),
                i(file, hd, "dim", null), i(file, hd, "n_fft", null), i(file, hd, "hop_length", null),
                hd.containsKey("padding") ? padding(file, hd, "head") : "same");
        if (c.nMels != c.inputChannels) {
            throw new F5jException(file + ": feature_extractor.n_mels " + c.nMels + " != backbone.input_channels "
                    + c.inputChannels);
        }
        if (c.headDim != c.dim) throw new F5jException(file + ": head.dim " + c.headDim + " != backbone.dim " + c.dim);
        if (c.headNFft % 2 != 0) throw new F5jException(file + ": head.n_fft must be even, got " + c.headNFft);
        return c;
    }

    private static Map<?, ?> args(Path file, Map<?, ?> root, String key, String classPath) {
        if (!(root.get(key) instanceof Map<?, ?> sec)) throw new F5jException(file + ": no '" + key + "' section");
        Object cp = sec.get("class_path");
        if (!classPath.equals(cp)) {
            throw new F5jException(file + ": " + key + ".class_path " + cp + " is not supported (only " + classPath + ")");
        }
        Object a = sec.get("init_args");
        if (a == null) return Map.of();
        if (!(a instanceof Map<?, ?> am)) throw new F5jException(file + ": " + key + ".init_args is not a mapping");
        return am;
    }

    private static int i(Path file, Map<?, ?> m, String key, Integer dflt) {
        Object v = m.get(key);
        if (v == null) {
            if (dflt == null) throw new F5jException(file + ": init_args." + key + " is missing");
            return dflt;
        }
        // The maxima (far above vocos-mel-24khz: 24 kHz, n_fft 1024, dim 512, 1536, 8 layers) keep a typo from sizing gigabytes.
        int max = key.equals("num_layers") ? 256 : key.equals("sample_rate") ? 384_000 : 65_536;
        if (!(v instanceof Integer n) || n <= 0 || n > max) {
            throw new F5jException(file + ": init_args." + key + " must be an integer in 1.." + max + ", got " + v);
        }
        return n;
    }

    private static String padding(Path file, Map<?, ?> m, String section) {
        Object v = m.containsKey("padding") ? m.get("padding") : "center";
        if (!"center".equals(v) && !"same".equals(v)) {
            throw new F5jException(file + ": " + section + ".padding must be center or same, got " + v);
        }
        return (String) v;
    }
}

package f5j.vocoder;

import f5j.audio.MelSpectrogram;
import f5j.audio.Stft;
import f5j.compute.Backend;
import f5j.tensor.Tensor;
import f5j.trace.Trace;
import f5j.util.F5jException;
import f5j.weights.Checkpoints;
import f5j.weights.RawTensor;
import f5j.weights.Weights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The Vocos vocoder (gemelo-ai/vocos, mel variant): features {@code b x nMels x n} → VocosBackbone
 * (embed conv, LayerNorm, ConvNeXt blocks, final LayerNorm) → ISTFTHead → audio {@code b x samples}.
 * Activations run channels-last ({@code b n d}); outputs PyTorch holds as {@code b d n} (the convs) are
 * recorded transposed. The ISTFT's FFTs run on the host through JTransforms ({@link Stft}), not as
 * backend kernels.
 */
public final class Vocos {
    /** Upstream's safeguard against huge magnitudes: {@code exp(mag).clip(max=1e2)}. */
    private static final float MAX_MAGNITUDE = 100f;
    private static final float LN_EPS = 1e-6f;
    private static final int KERNEL = 7, PAD = 3;

    private record Block(float[] dwW, float[] dwB, float[] normW, float[] normB, float[] pw1W, float[] pw1B,
                         float[] pw2W, float[] pw2B, float[] gamma) {}

    private final VocosConfig config;
    private final Backend backend;
    private final float[] embedW, embedB, normW, normB, finalW, finalB, outW, outB, istftWindow;
    private final Block[] blocks;
    private final MelSpectrogram featureExtractor;

    private Vocos(VocosConfig c, Map<String, RawTensor> sd, Backend backend) {
        this.config = c;
        this.backend = backend;
        int d = c.dim(), in = c.inputChannels(), h = c.intermediateDim();
        embedW = get(sd, "backbone.embed.weight", d, in, KERNEL);
        embedB = get(sd, "backbone.embed.bias", d);
        normW = get(sd, "backbone.norm.weight", d);
        normB = get(sd, "backbone.norm.bias", d);
        blocks = new Block[c.numLayers()];
        for (int i = 0; i < blocks.length; i++) {
            String p = "backbone.convnext." + i + ".";
            blocks[i] = new Block(get(sd, p + "dwconv.weight", d, 1, KERNEL), get(sd, p + "dwconv.bias", d),
                    get(sd, p + "norm.weight", d), get(sd, p + "norm.bias", d),
                    get(sd, p + "pwconv1.weight", h, d), get(sd, p + "pwconv1.bias", h),
                    get(sd, p + "pwconv2.weight", d, h), get(sd, p + "pwconv2.bias", d),
                    sd.containsKey(p + "gamma") ? get(sd, p + "gamma", d) : null);
        }
        finalW = get(sd, "backbone.final_layer_norm.weight", d);
        finalB = get(sd, "backbone.final_layer_norm.bias", d);
        outW = get(sd, "head.out.weight", c.headNFft() + 2, d);
        outB = get(sd, "head.out.bias", c.headNFft() + 2);
        // Buffers saved with the model (window, mel basis) are what upstream runs after load_state_dict.
        istftWindow = sd.containsKey("head.istft.window") ? get(sd, "head.istft.window", c.headNFft())
                : Stft.hannPeriodic(c.headNFft());
        float[] melWindow = sd.containsKey("feature_extractor.mel_spec.spectrogram.window")
                ? get(sd, "feature_extractor.mel_spec.spectrogram.window", c.nFft()) : null;
        float[] fb = sd.containsKey("feature_extractor.mel_spec.mel_scale.fb")
                ? get(sd, "feature_extractor.mel_spec.mel_scale.fb", c.nFft() / 2 + 1, c.nMels()) : null;
        featureExtractor = MelSpectrogram.vocosFeatures(c.sampleRate(), c.nFft(), c.hopLength(), c.nMels(),
                c.featurePadding(), melWindow, fb);
    }

    /** Builds Vocos from a state dict (upstream names: {@code backbone.*}, {@code head.*}). */
    public static Vocos fromStateDict(Map<String, RawTensor> sd, VocosConfig config, Backend backend) {
        return new Vocos(config, sd, backend);
    }

    /**
     * Loads a Vocos folder: {@code config.yaml} plus {@code pytorch_model.bin} (a torch state dict) or,
     * failing that, {@code model.safetensors} with the same names.
     */
    public static Vocos load(Path dir, Backend backend) {
        if (!Files.isDirectory(dir)) throw new F5jException(dir + ": not a folder (expected a Vocos folder with config.yaml and pytorch_model.bin)");
        VocosConfig config = VocosConfig.load(dir.resolve("config.yaml"));
        Path bin = dir.resolve("pytorch_model.bin"), st = dir.resolve("model.safetensors");
        Path file = Files.isRegularFile(bin) ? bin : Files.isRegularFile(st) ? st : null;
        if (file == null) throw new F5jException(dir + ": no pytorch_model.bin (or model.safetensors) in the Vocos folder");
        Map<String, RawTensor> sd = Checkpoints.loadStateDict(file, Weights.EMA);
        return new Vocos(config, sd, backend);
    }

    public VocosConfig config() { return config; }

    public int sampleRate() { return config.sampleRate(); }

    /** Vocos' feature extractor: log-mel features {@code b x nMels x frames} of audio {@code b x samples}. */
    public Tensor features(Tensor wav) {
        Tensor w = wav.rank() == 1 ? wav.view(1, wav.dim(0)) : wav;
        return featureExtractor.compute(w);
    }

    /** Decodes features {@code b x nMels x n} (or {@code nMels x n}) to audio {@code b x samples}. */
    public Tensor decode(Tensor mel, Trace trace) {
        Tensor m = mel.rank() == 2 ? mel.view(1, mel.dim(0), mel.dim(1)) : mel;
        if (m.rank() != 3 || m.dim(1) != config.inputChannels()) {
            throw new IllegalArgumentException("Vocos expects b x " + config.inputChannels() + " x n features, got "
                    + mel.shapeString());
        }
        Tensor x = backbone(m, trace);
        return head(x, trace);
    }

    /** VocosBackbone: {@code b x c x n} → {@code b x n x dim}. */
    private Tensor backbone(Tensor mel, Trace trace) {
        int b = mel.dim(0), n = mel.dim(2), d = config.dim(), hd = config.intermediateDim(), rows = b * n;
        Tensor in = mel.transposeLast2(); // b n c
        float[] x = new float[rows * d];
        backend.conv1d(in.data, b, n, config.inputChannels(), embedW, embedB, d, KERNEL, 1, PAD, x);
        trace.recordTransposed("backbone.embed", new Tensor(x, b, n, d));
        float[] y = new float[rows * d];
        backend.layerNorm(x, rows, d, normW, normB, LN_EPS, y);
        trace.record("backbone.norm", new Tensor(y, b, n, d));
        float[] cur = y;
        float[] t1 = new float[rows * d], t2 = new float[rows * d], hid = new float[rows * hd], act = new float[rows * hd];
        for (int i = 0; i < blocks.length; i++) {
            Block bl = blocks[i];
            String p = "backbone.convnext." + i;
            backend.conv1d(cur, b, n, d, bl.dwW, bl.dwB, d, KERNEL, d, PAD, t1);
            trace.recordTransposed(p + ".dwconv", new Tensor(t1, b, n, d));
            backend.layerNorm(t1, rows, d, bl.normW, bl.normB, LN_EPS, t2);
            trace.record(p + ".norm", new Tensor(t2, b, n, d));
            backend.linear(t2, rows, d, bl.pw1W, bl.pw1B, hd, hid);
            trace.record(p + ".pwconv1", new Tensor(hid, b, n, hd));
            backend.geluErf(hid, rows * hd, act);
            trace.record(p + ".act", new Tensor(act, b, n, hd));
            backend.linear(act, rows, hd, bl.pw2W, bl.pw2B, d, t1);
            trace.record(p + ".pwconv2", new Tensor(t1, b, n, d));
            if (bl.gamma != null) backend.scaleLast(t1, rows, d, bl.gamma, t1);
            float[] next = new float[rows * d];
            backend.add(cur, t1, rows * d, next);
            trace.recordTransposed(p, new Tensor(next, b, n, d));
            cur = next;
        }
        float[] out = new float[rows * d];
        backend.layerNorm(cur, rows, d, finalW, finalB, LN_EPS, out);
        Tensor res = new Tensor(out, b, n, d);
        trace.record("backbone.final_layer_norm", res);
        trace.record("backbone", res);
        return res;
    }

    /** ISTFTHead: {@code b x n x dim} → audio {@code b x samples}. */
    private Tensor head(Tensor x, Trace trace) {
        int b = x.dim(0), n = x.dim(1), d = config.dim(), nFft = config.headNFft(), bins = nFft / 2 + 1;
        int rows = b * n;
        float[] o = new float[rows * 2 * bins];
        backend.linear(x.data, rows, d, outW, outB, 2 * bins, o);
        trace.record("head.out", new Tensor(o, b, n, 2 * bins));
        float[] re = new float[rows * bins], im = new float[rows * bins];
        backend.polarSpectrum(o, rows, bins, MAX_MAGNITUDE, re, im);
        int trim = config.headPadding().equals("center") ? nFft / 2 : (nFft - config.headHop()) / 2;
        float[][] audio = new float[b][];
        for (int i = 0; i < b; i++) {
            float[] r = Arrays.copyOfRange(re, i * n * bins, (i + 1) * n * bins);
            float[] m = Arrays.copyOfRange(im, i * n * bins, (i + 1) * n * bins);
            audio[i] = Stft.istft(r, m, n, nFft, config.headHop(), istftWindow, trim);
        }
        int len = audio[0].length;
        float[] flat = new float[b * len];
        for (int i = 0; i < b; i++) System.arraycopy(audio[i], 0, flat, i * len, len);
        Tensor res = new Tensor(flat, b, len);
        trace.record("head.istft", res);
        trace.record("head", res);
        return res;
    }

    private static float[] get(Map<String, RawTensor> sd, String name, int... shape) {
        RawTensor t = sd.get(name);
        if (t == null) throw new F5jException("Vocos checkpoint: missing tensor " + name);
        long[] want = Arrays.stream(shape).asLongStream().toArray();
        if (!Arrays.equals(t.shape(), want)) {
            throw new F5jException("Vocos checkpoint: " + name + " has shape " + t.shapeString() + ", config needs "
                    + Arrays.toString(want));
        }
        return t.toFloats();
    }
}

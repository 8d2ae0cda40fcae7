package f5j.infer;

import f5j.util.SettingException;
import f5j.compute.Backend;
import f5j.config.MelSpecConfig;
import f5j.config.ModelConfig;
import f5j.dit.DiT;
import f5j.sampler.CfmSampler;
import f5j.sampler.SampleResult;
import f5j.sampler.SampleSettings;
import f5j.tensor.Tensor;
import f5j.text.PinyinConverter;
import f5j.text.TextChunker;
import f5j.text.Vocab;
import f5j.trace.Trace;
import f5j.util.F5jException;
import f5j.vocoder.Vocos;
import f5j.weights.ModelDir;
import f5j.weights.RawTensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;

/**
 * Upstream {@code infer_process}: the generated text cut into chunks sized from the reference, then per
 * chunk the CFM sampler run on reference text + chunk text with the reference mel as the prompt, the
 * reference frames dropped, Vocos, the loudness scaling undone; chunks joined with linear cross-fades.
 * Chunks run one after another, chunk {@code i} with its own seed.
 */
public final class Synthesizer {
    /** Upstream budgets 22 s of reference plus generated audio per chunk when sizing the chunks. */
    public static final double CHUNK_BUDGET_SECONDS = 22;

    /** Told about progress: a chunk starting, then each step of its ODE solve. */
    public interface Listener {
        default void chunkStarted(int index, int count, String text, int duration) { }

        default void stepDone() { }

        /** A warning naming the tokens the vocab lacks (upstream silently maps them to id 0). */
        default void unknownTokens(String warning) { }

        /**
         * Chunk {@code index} is finished: its wave (reference frames dropped, loudness scaling undone, before
         * any cross-fade) and its generated mel ({@code 1 × nMels × frames}). Streaming joins the waves with
         * {@link CrossFade.Stream} as they come; throwing here (e.g. on cancellation) stops the synthesis.
         */
        default void chunkDone(int index, int count, float[] wave, Tensor mel) { }

        Listener NONE = new Listener() { };
    }

    /** What one chunk was: its text, the tokens the model saw, its seed and frame count (reference included). */
    public record ChunkInfo(String text, List<String> tokens, long seed, int duration) {
        /** The tokens joined, as the goldens' {@code chunks[i].text_chars}. */
        public String tokenText() { return String.join("", tokens); }
    }

    /** The joined wave at 24 kHz, the generated mel of all chunks side by side ({@code nMels × frames}). */
    public record Result(float[] wave, int sampleRate, Tensor mel, List<ChunkInfo> chunks) {
        public double seconds() { return (double) wave.length / sampleRate; }
    }

    private final ModelConfig config;
    private final Vocab vocab;
    private final CfmSampler sampler;
    private final Vocos vocos;

    public Synthesizer(ModelConfig config, Map<String, RawTensor> stateDict, Vocab vocab, Vocos vocos, Backend backend) {
        this.config = config;
        this.vocab = vocab;
        this.vocos = vocos;
        this.sampler = new CfmSampler(DiT.load(stateDict, config.arch(), backend));
    }

    /** From a model folder (model.safetensors + model.yaml + vocab.txt) and a Vocos folder. */
    public static Synthesizer load(Path modelDir, Path vocoderDir, Backend backend) {
        ModelDir m = ModelDir.load(modelDir);
        MelSpecConfig mel = m.config().melSpec();
        if (!mel.melSpecType().equals("vocos")) {
            throw new F5jException(modelDir + ": mel_spec_type " + mel.melSpecType() + " is not supported (only vocos)");
        }
        return new Synthesizer(m.config(), m.stateDict(), Vocab.load(m.vocab()), Vocos.load(vocoderDir, backend), backend);
    }

    public ModelConfig config() { return config; }

    /** Token ids as this model's vocab gives them (unknown tokens → 0). */
    public long[] ids(List<String> tokens) { return vocab.ids(tokens); }

    /**
     * Upstream's chunking: {@code max_chars = int(utf8(ref_text) / ref_seconds · (22 − ref_seconds) · speed)},
     * then {@code chunk_text}.
     */
    public static List<String> chunkText(Reference ref, String genText, double speed) {
        if (genText == null || genText.isBlank()) throw new F5jException("the text to synthesise is empty");
        double refSeconds = ref.seconds();
        int maxChars = InferText.maxChars(ref.text(), ref.samples(), ref.sampleRate(), speed);
        if (maxChars <= 0) {
            throw new F5jException(ref.source() + ": the reference is " + String.format("%.1f", refSeconds)
                    + " s; the model's per-chunk budget is " + (int) CHUNK_BUDGET_SECONDS
                    + " s of reference and generated audio together, so use a reference of at most 12 s");
        }
        List<String> chunks = TextChunker.chunk(genText, maxChars);
        if (chunks.isEmpty()) throw new F5jException("the text to synthesise is empty");
        return chunks;
    }

    /** Generates every chunk; {@code seeds} maps the chunk index to its sampling seed. */
    public Result synthesize(Reference ref, List<String> chunks, LongUnaryOperator seeds, SynthSettings s, Listener listener) {
        return synthesize(ref, chunks, seeds, s, listener, Trace.OFF);
    }

    /** As above, recording into {@code trace} the DiT modules of the first ODE step of the first chunk. */
    public Result synthesize(Reference ref, List<String> chunks, LongUnaryOperator seeds, SynthSettings s, Listener listener,
                             Trace trace) {
        MelSpecConfig mc = config.melSpec();
        if (s.fixDuration() != null && s.fixDuration() <= ref.seconds()) {
            throw new SettingException("fixDuration", s.fixDuration(), "seconds of the reference and the generated "
                    + "audio together, but the reference alone is " + String.format("%.2f", ref.seconds()) + " s");
        }
        Conditioning cond = Conditioning.of(ref, mc, s.targetRms());
        int refFrames = cond.refFrames();
        String refText = cond.refText();

        List<float[]> waves = new ArrayList<>();
        List<Tensor> mels = new ArrayList<>();
        List<ChunkInfo> infos = new ArrayList<>();
        List<String> seen = new ArrayList<>(PinyinConverter.convert(refText)); // for the unknown-token warning
        for (int c = 0; c < chunks.size(); c++) {
            String gen = chunks.get(c);
            Conditioning.Chunk chunk = cond.chunk(gen, vocab, s.speed(), s.fixDuration());
            List<String> tokens = chunk.tokens();
            long[] ids = chunk.ids();
            seen.addAll(PinyinConverter.convert(gen));
            int duration = chunk.duration();
            long seed = seeds.applyAsLong(c);
            listener.chunkStarted(c, chunks.size(), gen, duration);
            SampleSettings ss = new SampleSettings(s.nfe(), s.cfgStrength(), s.swaySamplingCoef(), s.method(), seed, null);
            SampleResult r = sampler.sample(cond.mel(), ids, duration, ss, listener::stepDone, c == 0 ? trace : Trace.OFF);
            Tensor gen100 = dropReference(r.mel(), refFrames); // 1 nMels n
            f5j.util.Finite.require(r.mel().data, "chunk " + (c + 1) + ": the sampler's mel (the DiT's ODE solution)");
            float[] wave = vocos.decode(gen100, Trace.OFF).data;
            f5j.util.Finite.require(wave, "chunk " + (c + 1) + ": the vocoder's audio");
            cond.undoRaise(wave);
            waves.add(wave);
            mels.add(gen100);
            infos.add(new ChunkInfo(gen, List.copyOf(tokens), seed, duration));
            listener.chunkDone(c, chunks.size(), wave, gen100);
        }
        String unknown = vocab.describeUnknown(seen);
        if (unknown != null) listener.unknownTokens(unknown);
        return new Result(CrossFade.join(waves, s.crossFadeSeconds(), mc.sampleRate()), mc.sampleRate(),
                sideBySide(mels, mc.nMels()), infos);
    }

    /** {@code generated[:, ref_audio_len:, :].permute(0, 2, 1)}: frames after the reference, as 1 d n. */
    static Tensor dropReference(Tensor mel, int refFrames) {
        int total = mel.dim(1), d = mel.dim(2), n = total - refFrames;
        float[] out = new float[d * n];
        for (int f = 0; f < n; f++)
            for (int k = 0; k < d; k++) out[k * n + f] = mel.data[(refFrames + f) * d + k];
        return new Tensor(out, 1, d, n);
    }

    private static Tensor sideBySide(List<Tensor> mels, int d) {
        int total = mels.stream().mapToInt(t -> t.dim(2)).sum();
        float[] out = new float[d * total];
        int off = 0;
        for (Tensor t : mels) {
            int n = t.dim(2);
            for (int k = 0; k < d; k++) System.arraycopy(t.data, k * n, out, k * total + off, n);
            off += n;
        }
        return new Tensor(out, d, total);
    }

    static float[] mono(float[][] ch) { return Conditioning.mono(ch); }

}

package f5j.audit;

import f5j.audio.Audio;
import f5j.audio.MelSpectrogram;
import f5j.audio.PcmSegment;
import f5j.audio.RefAudioPreprocessor;
import f5j.audio.Resampler;
import f5j.audio.Silence;
import f5j.audio.WavFile;
import f5j.audit.AuditReport.FactorEffect;
import f5j.audit.AuditReport.Finding;
import f5j.audit.AuditReport.LayerDiff;
import f5j.audit.AuditReport.LossVariant;
import f5j.compute.Backend;
import f5j.compute.Precision;
import f5j.compute.PrecisionBackend;
import f5j.config.DitArch;
import f5j.config.MelSpecConfig;
import f5j.config.ModelConfig;
import f5j.dit.DiT;
import f5j.golden.Metrics;
import f5j.infer.Conditioning;
import f5j.infer.InferText;
import f5j.infer.Reference;
import f5j.infer.SynthSettings;
import f5j.infer.Synthesizer;
import f5j.sampler.CfmSampler;
import f5j.sampler.SampleSettings;
import f5j.sampler.TorchRandom;
import f5j.tensor.Tensor;
import f5j.text.PinyinConverter;
import f5j.text.Vocab;
import f5j.trace.Trace;
import f5j.util.F5jException;
import f5j.vocoder.Vocos;
import f5j.weights.Checkpoints;
import f5j.weights.RawTensor;
import f5j.weights.StateDict;
import f5j.weights.Weights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The train-vs-inference audit. First the direct checks of every known cause (weights, vocab, tokens,
 * reference, duration, architecture, settings), then measurements: the trainer's logged sample
 * ({@code Trainer.train}: online weights, the dataset's reference mel as is, the dataset text twice, 2x the
 * reference frames, autocast) against {@code infer_process} (EMA weights and the very conditioning, chunking
 * and duration code {@code synth} runs, the model cast to fp16), each factor switched alone, measured on the
 * generated frames against the noise floor of two seeds; the trainer's own loss on the row under each
 * factor's two values; the inference path on exactly the training row. The verdict comes from the findings.
 */
public final class Audit {
    public static final double TOL = Findings.TOL;
    /** Draws (mask, noise, t) of the loss probe: enough for a spread, few enough to stay quick on a Base model. */
    static final int LOSS_DRAWS = 8;

    public record Options(Path checkpoint, Path vocab, Path trainVocab, ModelConfig config, ModelConfig trainConfig,
                          String configSource, Path refAudio, String refText, String genText, String datasetText,
                          long seed, Precision trainPrecision, Precision inferPrecision, SynthSettings synth, EmaRecipe ema,
                          Path vocoder, Backend backend) {
        public Options {
            Objects.requireNonNull(checkpoint, "checkpoint");
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(synth, "synth");
            Objects.requireNonNull(ema, "ema");
            if (refText == null || refText.isBlank()) {
                throw new F5jException(refAudio + ": the reference text is empty (--ref-text): the audit needs the words spoken");
            }
        }
    }

    /** Everything one DiT run is fed; each field is one factor (or part of one). */
    record Setup(Map<String, RawTensor> weights, long[] ids, Tensor refMel, int cut, int duration,
                 Precision precision, PrecisionBackend.Mode mode, DitArch arch) {
        /** This setup with one factor taken from {@code other}. */
        Setup with(String factor, Setup o) {
            return switch (factor) {
                case "weights" -> new Setup(o.weights, ids, refMel, cut, duration, precision, mode, arch);
                case "tokens" -> new Setup(weights, o.ids, refMel, cut, duration, precision, mode, arch);
                case "reference" -> new Setup(weights, ids, o.refMel, o.cut, duration, precision, mode, arch);
                case "duration" -> new Setup(weights, ids, refMel, cut, o.duration, precision, mode, arch);
                case "precision" -> withPrecision(o.precision, o.mode);
                case "architecture" -> withArch(o.arch);
                default -> throw new IllegalArgumentException(factor);
            };
        }

        Setup withArch(DitArch a) { return new Setup(weights, ids, refMel, cut, duration, precision, mode, a); }

        Setup withPrecision(Precision p, PrecisionBackend.Mode m) { return new Setup(weights, ids, refMel, cut, duration, p, m, arch); }

        Setup withIds(long[] i) { return new Setup(weights, i, refMel, cut, duration, precision, mode, arch); }

        Setup withWeights(Map<String, RawTensor> w) { return new Setup(w, ids, refMel, cut, duration, precision, mode, arch); }

        int refFrames() { return refMel.dim(1); }

        /** CFM.sample's clamp: at least the text or the reference plus one frame. */
        int effectiveDuration() { return CfmSampler.duration(duration, refFrames(), ids); }
    }

    /** The first ODE step of one setup: the mel it points at ({@code x + (1 - t) v}, all frames) and every layer. */
    record Step(Tensor estimate, Map<String, Tensor> acts) {}

    private final Options o;
    private final Consumer<String> log;
    /** Trace size above which only block-level layers are recorded. */
    static final long TRACE_BUDGET_BYTES = 64L << 20;
    /** The one model held: runs are ordered so consecutive ones mostly share it. */
    private DiT dit;
    private String ditKey;
    private java.util.function.Predicate<String> layerFilter = m -> true;

    private Audit(Options o, Consumer<String> log) {
        this.o = o;
        this.log = log;
    }

    public static AuditReport run(Options o, Consumer<String> log) { return new Audit(o, log).run(); }

    private AuditReport run() {
        AuditReport r = new AuditReport();
        SynthSettings ss = o.synth;
        MelSpecConfig mc = o.config.melSpec();
        DitArch inferArch = o.config.arch();
        DitArch trainArch = o.trainConfig == null ? null : o.trainConfig.arch();
        String rowText = o.datasetText != null ? o.datasetText : o.refText;
        String genText = o.genText != null && !o.genText.isBlank() ? o.genText : rowText;
        r.inputs.put("checkpoint", o.checkpoint.toString());
        r.inputs.put("config", o.configSource);
        r.inputs.put("train_config", o.trainConfig == null ? "(not given)" : "given");
        r.inputs.put("vocab", String.valueOf(o.vocab));
        r.inputs.put("train_vocab", o.trainVocab == null ? "(not given)" : o.trainVocab.toString());
        r.inputs.put("ref_audio", String.valueOf(o.refAudio));
        r.inputs.put("ref_text", o.refText);
        r.inputs.put("gen_text", genText);
        r.inputs.put("dataset_text", o.datasetText == null ? "(not given)" : o.datasetText);
        r.inputs.put("seed", o.seed);
        r.inputs.put("train_precision", o.trainPrecision.label() + (o.trainPrecision == Precision.FP32 ? "" : " (autocast)"));
        r.inputs.put("infer_precision", o.inferPrecision.label() + (o.inferPrecision == Precision.FP32 ? "" : " (model cast)"));
        r.inputs.put("sampling", "nfe " + ss.nfe() + ", cfg " + ss.cfgStrength() + ", sway " + ss.swaySamplingCoef() + ", " + ss.method()
                + ", speed " + ss.speed() + ", target rms " + ss.targetRms() + (ss.fixDuration() == null ? "" : ", fix duration " + ss.fixDuration()));
        r.inputs.put("ema_recipe", o.ema.describe());
        List<Finding> findings = new ArrayList<>();

        // ---- direct checks: weights
        log.accept("weights: " + o.checkpoint);
        StateDict emaL = Checkpoints.load(o.checkpoint, Weights.EMA);
        Map<String, RawTensor> ema = emaL.tensors();
        Map<String, RawTensor> online = null;
        try {
            online = Checkpoints.loadStateDict(o.checkpoint, Weights.ONLINE);
        } catch (F5jException e) {
            r.notes.add("No online weights (" + e.getMessage() + "): the trainer path uses the EMA weights too, so the weights factor is not measured.");
        }
        r.weights = Checks.weightsStage(ema, online, emaL.info(), inferArch, o.ema);
        findings.addAll(Checks.weights(r.weights));
        Map<String, RawTensor> trainWeights = online != null ? online : ema;

        // ---- vocab and tokens
        Vocab vocab = Vocab.load(o.vocab);
        Vocab trainVocab = o.trainVocab == null ? null : Vocab.load(o.trainVocab);
        Vocab trainV = trainVocab != null ? trainVocab : vocab;
        List<String> dataset = o.datasetText != null ? codePoints(o.datasetText) : PinyinConverter.convert(o.refText);
        List<String> trainTokens = new ArrayList<>(dataset);
        trainTokens.add(" ");
        trainTokens.addAll(dataset);

        // the inference path: the very code synth runs
        List<String> refNotes = new ArrayList<>();
        Reference ref = Reference.load(o.refAudio, o.refText, refNotes::add);
        List<String> chunks = Synthesizer.chunkText(ref, genText, ss.speed());
        String gen = chunks.getFirst();
        if (chunks.size() > 1) {
            r.notes.add("Inference splits the text into " + chunks.size() + " chunks (at most "
                    + InferText.maxChars(ref.text(), ref.samples(), ref.sampleRate(), ss.speed()) + " bytes); the audit follows the first: \"" + gen + "\".");
        }
        Conditioning cond = Conditioning.of(ref, mc, ss.targetRms());
        Conditioning.Chunk chunk = cond.chunk(gen, vocab, ss.speed(), ss.fixDuration());
        long[] trainIds = trainV.ids(trainTokens), inferIds = chunk.ids();
        RawTensor embed = ema.get("transformer.text_embed.text_embed.weight");
        List<String> inferOfRow = PinyinConverter.convert(o.refText);
        if (embed != null) {
            findings.addAll(Checks.vocab(o.vocab, vocab, o.trainVocab, trainVocab, (int) embed.shape()[0], Checks.used(dataset, chunk.tokens())));
        }
        // without the stored text, the transcript as typed shows what inference's tokenization changes (jieba splits)
        List<AuditReport.WordRow> words = Checks.alignWords(o.datasetText != null ? o.datasetText : o.refText, String.join("", inferOfRow));
        findings.add(Checks.tokens(o.datasetText, o.datasetText != null, words));
        findings.add(Checks.tokensByDesign());
        r.tokens = new AuditReport.TokensStage(String.join("", trainTokens), String.join("", chunk.tokens()), trainTokens, chunk.tokens(),
                trainIds, inferIds, unknown(vocab, Checks.used(dataset, chunk.tokens())), insertedSpaces(cond.refText() + gen, chunk.tokens()),
                Arrays.equals(trainIds, inferIds), String.join("", dataset), String.join("", inferOfRow), words);

        // ---- the reference: the trainer's row as is, inference's preprocessed clip
        Audio raw = WavFile.read(o.refAudio);
        float[] trainWave = Conditioning.mono(raw.channels());
        if (raw.sampleRate() != mc.sampleRate()) trainWave = Resampler.resample(trainWave, raw.sampleRate(), mc.sampleRate());
        Tensor trainRef = new MelSpectrogram(mc).compute(trainWave).transposeLast2();
        int trainRefFrames = trainRef.dim(1);
        int trainDur = 2 * trainRefFrames;
        RefAudioPreprocessor.Result pre = RefAudioPreprocessor.process(o.refAudio);
        double rawSec = (double) raw.frames() / raw.sampleRate();
        double speech = speechSeconds(PcmSegment.readWav(o.refAudio)), keptSpeech = speechSeconds(pre.segment());
        List<String> effects = new ArrayList<>(refNotes);
        if (raw.channelCount() > 1) effects.add("both paths mix the " + raw.channelCount() + " channels to mono");
        if (raw.sampleRate() != mc.sampleRate()) effects.add("both paths resample " + raw.sampleRate() + " Hz to " + mc.sampleRate() + " Hz");
        effects.add("trainer: 2 × " + trainRefFrames + " reference mel frames; inference counts the reference as samples // hop = "
                + cond.refFrames() + " frames and estimates the duration from the texts' UTF-8 byte counts");
        r.conditioning = new AuditReport.ConditioningStage(raw.sampleRate(), rawSec, ref.seconds(), speech, keptSpeech, trainRefFrames,
                cond.refFrames(), CfmSampler.duration(trainDur, trainRefFrames, trainIds), chunk.duration(), cond.rms(), cond.raised(),
                ss.targetRms(), Math.max(0, rawSec - (ref.seconds() - 0.05)), effects);
        r.trainRefMel = trainRef;
        r.inferRefMel = cond.mel();
        findings.addAll(Checks.reference(r.conditioning, o.refText, refNotes));
        int estimate = InferText.duration(cond.refFrames(), cond.refText(), o.refText, ss.speed(), ss.fixDuration()) - cond.refFrames();
        findings.add(Checks.duration(estimate, trainRefFrames, ss.speed(), ss.fixDuration()));
        findings.add(Checks.settings(ss.nfe(), ss.cfgStrength(), ss.swaySamplingCoef(), ss.method()));

        // ---- measurements
        DitArch tArch = trainArch != null ? trainArch : inferArch;
        Setup train = new Setup(trainWeights, trainIds, trainRef, trainRefFrames, trainDur, o.trainPrecision, PrecisionBackend.Mode.AUTOCAST, tArch);
        Setup infer = new Setup(ema, inferIds, cond.mel(), cond.refFrames(), chunk.duration(), o.inferPrecision, PrecisionBackend.Mode.HALF, inferArch);
        long perTrace = (long) (inferArch.depth() * 22 + 60) * 2 * Math.max(train.effectiveDuration(), infer.effectiveDuration())
                * inferArch.dim() * 2 * Float.BYTES;
        layerFilter = perTrace <= TRACE_BUDGET_BYTES ? m -> true : Audit::blockLevel;
        if (perTrace > TRACE_BUDGET_BYTES) r.notes.add("Large model: layers recorded at block level (attention, feed-forward, block output, embeddings).");

        log.accept("noise floor: the train path with seeds " + o.seed + " and " + (o.seed + 1));
        int[] reg = region(train, train);
        Step t0 = step(train, o.seed);
        Tensor trainFull = sampleFull(train, o.seed);
        Step t1 = step(train, o.seed + 1);
        double floor1 = relL2(t1.estimate, t0.estimate, reg);
        r.layerNoiseFloor = LayerCompare.compare(t1.acts, t0.acts);
        t1 = null;
        double floorF = relL2(sampleFull(train, o.seed + 1), trainFull, reg);
        r.noiseFloor = new AuditReport.NoiseFloor(o.seed, o.seed + 1, reg[0], reg[1], floor1, floorF);
        r.trainMel = dropRef(trainFull, train.cut);

        List<String> order = new ArrayList<>(List.of("weights", "tokens", "reference", "duration", "precision"));
        if (trainArch != null && !trainArch.equals(inferArch)) order.add("architecture");
        Precision emulated = o.inferPrecision != Precision.FP32 ? o.inferPrecision
                : o.trainPrecision != Precision.FP32 ? o.trainPrecision : Precision.FP16;
        Step low = null;
        for (String f : order) {
            if (f.equals("weights") && online == null) continue;
            log.accept("factor " + f + ": switched to its inference value");
            Setup s = train.with(f, infer);
            Step st = step(s, o.seed);
            int[] rg = region(train, s);
            List<LayerDiff> diffs = LayerCompare.compare(st.acts, t0.acts);
            double fin = relL2(sampleFull(s, o.seed), trainFull, rg);
            r.factors.add(new FactorEffect(f, relL2(st.estimate, t0.estimate, rg), fin, rg[0], rg[1],
                    factorDetail(f, r, train, infer), LayerCompare.firstOver(diffs, TOL), diffs));
            if (f.equals("precision") && emulated == o.inferPrecision) low = st;
        }

        // precision: per-layer statistics of the emulated format against fp32
        if (low == null) low = step(train.withPrecision(emulated, PrecisionBackend.Mode.HALF), o.seed);
        Step fp32 = train.precision == Precision.FP32 ? t0 : step(train.withPrecision(Precision.FP32, PrecisionBackend.Mode.HALF), o.seed);
        List<AuditReport.LayerPrecision> lp = LayerCompare.precision(fp32.acts, low.acts, emulated);
        low = null;
        fp32 = null;
        long overflow = lp.stream().mapToLong(AuditReport.LayerPrecision::overflow).sum();
        String firstBad = null, firstOver = null;
        for (AuditReport.LayerPrecision l : lp) {
            if (firstBad == null && l.overflow() + l.inf() + l.nan() > 0) firstBad = l.layer();
            if (firstOver == null && !(l.relError() <= 1e-2)) firstOver = l.layer();
        }
        // the precision factor's layer is where the format fails: its first overflow, else the first layer over 1e-2
        String precisionLayer = firstBad != null ? firstBad : firstOver;
        r.factors.replaceAll(f -> f.factor().equals("precision") ? new FactorEffect(f.factor(), f.effect(), f.finalEffect(), f.fromFrame(),
                f.toFrame(), f.detail(), precisionLayer, f.layers()) : f);
        r.precision = new AuditReport.PrecisionStage(o.trainPrecision.label(), o.inferPrecision.label(),
                emulated.label() + " (weights and every op's output rounded, fp32 accumulation)", 1e-2,
                precisionLayer, overflow, lp);

        // architecture: the other version's flags
        DitArch alt = alternative(inferArch);
        log.accept("architecture alternative " + flags(alt));
        Step a = step(train.withArch(alt), o.seed);
        List<LayerDiff> altDiffs = LayerCompare.compare(a.acts, t0.acts);
        r.architecture = new AuditReport.ArchitectureStage(flags(inferArch), flags(alt), trainArch == null ? "(not given)" : flags(trainArch),
                relL2(a.estimate, t0.estimate, reg), LayerCompare.firstOver(altDiffs, TOL), altDiffs);
        a = null;

        // the loss probe
        log.accept("loss probe");
        lossProbe(r, train, online, ema, trainV, vocab, dataset, inferOfRow, trainRef, trainArch, inferArch, alt);
        String flagReading = r.lossProbe.stream().filter(v -> v.factor().equals("architecture")).map(v -> v.reading()
                + String.format(Locale.ROOT, " (%s: %.4g ± %.2g, %s: %.4g ± %.2g)", v.trainVariant(), v.trainLoss(), v.trainSpread(),
                v.inferVariant(), v.inferLoss(), v.inferSpread())).findFirst().orElse(null);
        findings.add(Checks.architecture(inferArch, trainArch, flagReading));
        findings.addAll(Checks.lossProbe(r.lossProbe));

        // the inference path: all factors at once, then to the end
        log.accept("inference path");
        Step i0 = step(infer, o.seed);
        r.layers.addAll(LayerCompare.compare(i0.acts, t0.acts));
        i0 = null;
        t0 = null;
        Tensor inferFull = sampleFull(infer, o.seed);
        r.inferMel = dropRef(inferFull, infer.cut);
        boolean inferNonfinite = !allFinite(inferFull.data);

        // precision finding: a cause only where inference runs in the format that overflows
        boolean lowInfer = o.inferPrecision != Precision.FP32;
        String where = firstBad == null ? "(none recorded)" : firstBad;
        if (overflow > 0 && lowInfer) {
            findings.add(new Finding("precision: range", "precision", AuditReport.CAUSE,
                    String.format(Locale.ROOT, "%d activation(s) beyond the %s range, the first in %s%s", overflow, emulated.label(), where,
                            inferNonfinite ? "; the inference output holds inf/NaN" : ""),
                    "infer in fp32 (or bf16); the layer named overflows " + emulated.label()));
        } else if (inferNonfinite && r.weights.nonfiniteEma() == 0) {
            findings.add(new Finding("precision: range", "precision", AuditReport.SUSPECT,
                    "the inference output holds inf/NaN although no activation leaves the " + emulated.label() + " range", "run the inference path in fp32 to locate it"));
        } else {
            findings.add(new Finding("precision: range", "precision", AuditReport.OK, !lowInfer
                    ? "inference runs in fp32" + (overflow > 0 ? String.format(Locale.ROOT, " (in %s, %d activation(s) would leave the range, the first in %s)",
                    emulated.label(), overflow, where) : "")
                    : "no activation beyond the " + emulated.label() + " range; its rounding is measured below", ""));
        }

        // like for like: the inference path on exactly the training row
        log.accept("like for like: the training row");
        r.likeForLike = likeForLike(train, infer, online, ema, trainV.ids(dataset), vocab.ids(inferOfRow), trainRef);

        dit = null;
        Double snr = null;
        if (o.vocoder != null) {
            log.accept("vocoding both mels with " + o.vocoder);
            Vocos vocos = Vocos.load(o.vocoder, o.backend);
            r.trainAudio = vocos.decode(r.trainMel.transposeLast2(), Trace.OFF).data;
            r.inferAudio = vocos.decode(r.inferMel.transposeLast2(), Trace.OFF).data;
            cond.undoRaise(r.inferAudio);
            r.audioSampleRate = vocos.sampleRate();
            int n = Math.min(r.trainAudio.length, r.inferAudio.length);
            snr = Metrics.snrDb(Arrays.copyOf(r.inferAudio, n), Arrays.copyOf(r.trainAudio, n));
        } else {
            r.notes.add("No --vocoder: the final stage compares the mels only (give the Vocos folder to hear and compare both paths' audio).");
        }
        r.finalOutput = new AuditReport.FinalStage(ss.nfe(), ss.cfgStrength(), ss.swaySamplingCoef(), ss.method(), o.seed,
                r.trainMel.dim(1), r.inferMel.dim(1), relL2(inferFull, trainFull, region(train, infer)), snr,
                snr == null ? null : "train.wav", snr == null ? null : "infer.wav");

        List<String> checklist = List.of("weights", "vocab", "tokens", "reference", "duration", "precision", "architecture", "settings");
        findings.sort(Comparator.comparingInt(f -> checklist.indexOf(f.factor())));
        r.findings.addAll(findings);
        Findings.rankCauses(r);
        r.verdict = Findings.verdict(r);
        r.firstDivergence = r.causes.stream().filter(c -> c.factor().equals(r.verdict.cause()) && c.firstLayer() != null)
                .map(c -> new AuditReport.Divergence(c.factor(), c.firstLayer())).findFirst().orElse(null);
        if (r.firstDivergence == null && "precision".equals(r.verdict.cause()) && r.precision.firstLayerOverTolerance() != null) {
            r.firstDivergence = new AuditReport.Divergence("precision", r.precision.firstLayerOverTolerance());
        }
        return r;
    }

    // ---------------------------------------------------------------- measurement helpers

    /** Generated frames both setups share, without a margin after the reference boundary and at the end. */
    static int[] region(Setup a, Setup b) {
        int from = Math.max(a.cut, b.cut), to = Math.min(a.effectiveDuration(), b.effectiveDuration());
        int gen = to - from;
        int after = Math.max(0, Math.min(32, gen / 5)), end = Math.max(0, Math.min(8, gen / 20));
        if (gen - after - end >= 4) return new int[]{from + after, to - end};
        return new int[]{from, Math.max(from, to)};
    }

    /** ‖a − b‖ / ‖b‖ over frames [from, to) of two {@code 1 n d} mels; infinite or NaN where a value is. */
    static double relL2(Tensor a, Tensor b, int[] region) {
        int d = a.dim(2);
        int to = Math.min(region[1], Math.min(a.dim(1), b.dim(1)));
        double num = 0, den = 0;
        for (int i = region[0] * d; i < to * d; i++) {
            float x = a.data[i], y = b.data[i];
            if (Float.isNaN(x) || Float.isNaN(y)) return Double.NaN;
            if (!Float.isFinite(x) || !Float.isFinite(y)) return Double.POSITIVE_INFINITY;
            double df = (double) x - y;
            num += df * df;
            den += (double) y * y;
        }
        return den == 0 ? (num == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(num / den);
    }

    private static boolean allFinite(float[] x) {
        for (float v : x) if (!Float.isFinite(v)) return false;
        return true;
    }

    static double speechSeconds(PcmSegment seg) {
        long ms = 0;
        for (long[] rg : Silence.detectNonsilent(seg, 300, -40, 10)) ms += rg[1] - rg[0];
        return ms / 1000.0;
    }

    private static List<String> unknown(Vocab v, List<String> tokens) {
        return tokens.stream().filter(t -> !t.equals(" ") && v.id(t) < 0).distinct().toList();
    }

    private static int insertedSpaces(String text, List<String> tokens) {
        long inText = text.codePoints().filter(c -> c == ' ').count(), inTokens = tokens.stream().filter(" "::equals).count();
        return (int) Math.max(0, inTokens - inText);
    }

    // ---------------------------------------------------------------- running the model

    private DiT dit(Setup s) {
        String key = System.identityHashCode(s.weights) + "/" + s.arch + "/" + s.precision + "/" + s.mode;
        if (key.equals(ditKey)) return dit;
        dit = null; // let the previous model go before loading the next
        boolean half = s.precision != Precision.FP32 && s.mode == PrecisionBackend.Mode.HALF;
        Map<String, RawTensor> sd = half ? PrecisionBackend.roundStateDict(s.weights, s.precision) : s.weights;
        Backend be = s.precision == Precision.FP32 ? o.backend : new PrecisionBackend(o.backend, s.precision, s.mode);
        try {
            dit = DiT.load(sd, s.arch, be);
        } catch (F5jException e) {
            throw new F5jException(o.checkpoint + " does not fit the config " + o.configSource + ": " + e.getMessage(), e);
        }
        ditKey = key;
        return dit;
    }

    /** Top-level modules and each block's attention, feed-forward and output. */
    static boolean blockLevel(String module) {
        return module.matches("(time_embed|text_embed|input_embed|norm_out|proj_out|long_skip_connection)"
                + "|transformer_blocks\\.\\d+(\\.attn|\\.ff)?");
    }

    /** The start noise of CFM.sample for a duration: torch.manual_seed(seed); torch.randn(duration, 100). */
    private static Tensor noise(long seed, int duration, int melDim) {
        return new Tensor(new TorchRandom(seed).randn(duration * melDim), 1, duration, melDim);
    }

    private Step step(Setup s, long seed) {
        DiT dit = dit(s);
        int dur = s.effectiveDuration(), d = dit.melDim(), ref = s.refFrames();
        Tensor x = noise(seed, dur, d);
        Tensor cond = Tensor.zeros(1, dur, d);
        System.arraycopy(s.refMel.data, 0, cond.data, 0, Math.min(ref, dur) * d);
        if (s.mode == PrecisionBackend.Mode.HALF) { // the model cast: its inputs are fp16 too
            s.precision.roundInPlace(x.data, x.data.length);
            s.precision.roundInPlace(cond.data, cond.data.length);
        }
        float t0 = 0f; // every upstream grid starts at 0: EPSS tables and linspace do, and sway keeps 0 at 0
        Trace trace = new Trace(layerFilter);
        double cfgS = o.synth.cfgStrength();
        boolean cfg = cfgS >= 1e-5;
        Tensor pred = dit.forward(x, cond, new long[][]{s.ids}, new float[]{t0}, null, false, false, cfg, trace);
        float[] flow = new float[dur * d];
        for (int i = 0; i < flow.length; i++) {
            flow[i] = cfg ? pred.data[i] + (pred.data[i] - pred.data[flow.length + i]) * (float) cfgS : pred.data[i];
        }
        float[] est = new float[dur * d];
        for (int i = 0; i < est.length; i++) est[i] = x.data[i] + (1 - t0) * flow[i];
        Map<String, Tensor> acts = new LinkedHashMap<>(trace.recorded());
        acts.put("flow", new Tensor(flow, 1, dur, d));
        return new Step(new Tensor(est, 1, dur, d), acts);
    }

    /** The whole sampler for a setup: every frame, the reference included, {@code 1 n 100}. */
    private Tensor sampleFull(Setup s, long seed) {
        SynthSettings ss = o.synth;
        SampleSettings st = new SampleSettings(ss.nfe(), ss.cfgStrength(), ss.swaySamplingCoef(), ss.method(), seed, null);
        return new CfmSampler(dit(s)).sample(s.refMel, s.ids, s.duration, st, Trace.OFF).mel();
    }

    private static Tensor dropRef(Tensor mel, int cut) {
        int ref = Math.min(cut, mel.dim(1)), n = mel.dim(1), d = mel.dim(2);
        return new Tensor(Arrays.copyOfRange(mel.data, ref * d, n * d), 1, n - ref, d);
    }

    // ---------------------------------------------------------------- loss probe, like for like

    /**
     * The trainer's objective on the row (upstream CFM.forward without the random drops): for each draw a
     * span of 70–100 % of the frames masked, noise x0, time t; loss = mean over the span of
     * (v(φ_t) − (x1 − x0))², φ_t = (1 − t) x0 + t x1, the rest of the row as the condition.
     */
    private double[] losses(Setup s, long[] ids, Tensor x1) {
        DiT dit = dit(s);
        int n = x1.dim(1), d = x1.dim(2);
        double[] out = new double[LOSS_DRAWS];
        for (int k = 0; k < LOSS_DRAWS; k++) {
            SplittableRandom rnd = new SplittableRandom(o.seed * 7919 + k);
            int len = Math.max(1, (int) (n * (0.7 + 0.3 * rnd.nextDouble())));
            int start = rnd.nextInt(n - len + 1);
            float t = (float) rnd.nextDouble();
            float[] x0 = new TorchRandom(o.seed * 31 + k).randn(n * d);
            Tensor phi = new Tensor(new float[n * d], 1, n, d), cond = new Tensor(x1.data.clone(), 1, n, d);
            for (int i = 0; i < n * d; i++) phi.data[i] = (1 - t) * x0[i] + t * x1.data[i];
            Arrays.fill(cond.data, start * d, (start + len) * d, 0f);
            if (s.mode == PrecisionBackend.Mode.HALF) {
                s.precision.roundInPlace(phi.data, phi.data.length);
                s.precision.roundInPlace(cond.data, cond.data.length);
            }
            Tensor pred = dit.forward(phi, cond, new long[][]{ids}, new float[]{t}, null, false, false, false, Trace.OFF);
            double sum = 0;
            for (int i = start * d; i < (start + len) * d; i++) {
                double e = pred.data[i] - (x1.data[i] - x0[i]);
                sum += e * e;
            }
            out[k] = sum / ((double) len * d);
        }
        return out;
    }

    private void lossProbe(AuditReport r, Setup train, Map<String, RawTensor> online, Map<String, RawTensor> ema, Vocab trainV,
                           Vocab vocab, List<String> dataset, List<String> inferOfRow, Tensor row, DitArch trainArch,
                           DitArch inferArch, DitArch alt) {
        long[] ids = trainV.ids(dataset);
        Setup base = train.withIds(ids).withPrecision(o.trainPrecision, PrecisionBackend.Mode.AUTOCAST);
        double[] l0 = losses(base, ids, row);
        if (online != null) probe(r, "weights", "online", l0, "ema", losses(base.withWeights(ema), ids, row));
        long[] vIds = vocab.ids(dataset);
        if (!Arrays.equals(vIds, ids)) probe(r, "vocab", "training vocab ids", l0, "inference vocab ids", losses(base, vIds, row));
        long[] tIds = trainV.ids(inferOfRow);
        if (!Arrays.equals(tIds, ids)) probe(r, "tokens", "dataset tokens", l0, "inference tokenization", losses(base, tIds, row));
        if (trainArch != null && !trainArch.equals(inferArch)) {
            probe(r, "architecture", "training flags " + flags(trainArch), l0, "inference flags " + flags(inferArch),
                    losses(base.withArch(inferArch), ids, row));
        } else if (trainArch == null) {
            probe(r, "architecture", "configured " + flags(inferArch), l0, "alternative " + flags(alt), losses(base.withArch(alt), ids, row));
        }
        if (o.inferPrecision != Precision.FP32) {
            probe(r, "precision", o.trainPrecision.label(), l0, o.inferPrecision.label() + " (model cast)",
                    losses(base.withPrecision(o.inferPrecision, PrecisionBackend.Mode.HALF), ids, row));
        }
    }

    private static void probe(AuditReport r, String factor, String a, double[] la, String b, double[] lb) {
        double[] d = new double[la.length];
        for (int i = 0; i < d.length; i++) d[i] = lb[i] - la[i];
        double md = mean(d), se = sd(d) / Math.sqrt(d.length);
        String reading;
        if (!Double.isFinite(md)) reading = "the " + b + " variant's loss is not finite";
        else if (md > 3 * se && md > 0.02 * mean(la)) reading = "clearly higher loss with the " + b + " variant: the model fits the train path's " + a + " better";
        else if (-md > 3 * se && -md > 0.02 * mean(la)) reading = "clearly lower loss with the " + b + " variant than with the train path's " + a;
        else reading = "no clear difference (within the draws' spread)";
        r.lossProbe.add(new LossVariant(factor, a, b, la.length, mean(la), sd(la), mean(lb), sd(lb), md, sd(d), reading));
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return s / x.length;
    }

    private static double sd(double[] x) {
        double m = mean(x), s = 0;
        for (double v : x) s += (v - m) * (v - m);
        return x.length < 2 ? 0 : Math.sqrt(s / (x.length - 1));
    }

    /**
     * The row's text once at its real length, the first 30 % of its mel as the prompt: the trainer's weights
     * and tokens against the inference path's (EMA, inference tokens, precision), each error measured against
     * the row's real mel on the generated frames, beside a constant spectrum (the prompt's mean frame).
     */
    private AuditReport.LikeForLike likeForLike(Setup train, Setup infer, Map<String, RawTensor> online, Map<String, RawTensor> ema,
                                                long[] trainIds, long[] inferIds, Tensor row) {
        int n = row.dim(1), d = row.dim(2), p = Math.max(1, (int) (0.3 * n));
        Tensor prompt = new Tensor(Arrays.copyOf(row.data, p * d), 1, p, d);
        int[] rg = {p, n};
        float[] mean = new float[d];
        for (int f = 0; f < p; f++) for (int k = 0; k < d; k++) mean[k] += row.data[f * d + k] / p;
        Tensor constant = new Tensor(new float[n * d], 1, n, d);
        for (int f = 0; f < n; f++) System.arraycopy(mean, 0, constant.data, f * d, d);
        List<AuditReport.LikeForLikeRow> rows = new ArrayList<>();
        Setup t = new Setup(train.weights, trainIds, prompt, p, n, train.precision, train.mode, train.arch);
        rows.add(new AuditReport.LikeForLikeRow("trainer path (" + (online != null ? "online" : "EMA") + " weights, dataset tokens, "
                + train.precision.label() + ")", relL2(sampleFull(t, o.seed), row, rg)));
        Setup i = new Setup(ema, inferIds, prompt, p, n, infer.precision, infer.mode, infer.arch);
        rows.add(new AuditReport.LikeForLikeRow("inference path (EMA weights, inference tokens, " + infer.precision.label() + ")",
                relL2(sampleFull(i, o.seed), row, rg)));
        if (online != null) {
            rows.add(new AuditReport.LikeForLikeRow("inference path with the online weights", relL2(sampleFull(i.withWeights(online), o.seed), row, rg)));
        }
        return new AuditReport.LikeForLike("the row's text once, " + n + " frames (its real length), " + p + " prompt frames",
                p, n, relL2(constant, row, rg), rows);
    }

    // ---------------------------------------------------------------- descriptions

    private static String factorDetail(String f, AuditReport r, Setup train, Setup infer) {
        return switch (f) {
            case "weights" -> String.format(Locale.ROOT, "online (trainer) vs EMA (inference): ‖EMA − online‖/‖online‖ %.3g, EMA step %s, update %s",
                    r.weights.relDiff(), r.weights.emaStep(), r.weights.update());
            case "tokens" -> r.tokens.trainTokens().size() + " trainer tokens (text twice) vs " + r.tokens.inferTokens().size() + " at inference (ref + gen text)";
            case "reference" -> String.format(Locale.ROOT, "reference mel %d frames (row as is) vs %d (preprocessed)", train.refFrames(), infer.refFrames());
            case "duration" -> "duration " + train.effectiveDuration() + " frames (2 x reference) vs " + infer.effectiveDuration() + " (byte-count estimate)";
            case "precision" -> "trainer " + train.precision.label() + (train.precision == Precision.FP32 ? "" : " autocast")
                    + " vs inference " + infer.precision.label() + (infer.precision == Precision.FP32 ? "" : " (model cast)");
            case "architecture" -> "trainer " + flags(train.arch) + " vs inference " + flags(infer.arch);
            default -> "";
        };
    }

    static DitArch alternative(DitArch a) {
        return new DitArch(a.dim(), a.depth(), a.heads(), a.dimHead(), a.ffMult(), a.textDim(), !a.textMaskPadding(),
                a.qkNorm(), a.convLayers(), a.peAttnHead() == null ? Integer.valueOf(1) : null, a.attnMaskEnabled(),
                a.longSkipConnection());
    }

    static String flags(DitArch a) {
        return "pe_attn_head=" + (a.peAttnHead() == null ? "null" : a.peAttnHead()) + ", text_mask_padding=" + a.textMaskPadding()
                + (a.peAttnHead() == null && a.textMaskPadding() ? " (v1)" : a.peAttnHead() != null && !a.textMaskPadding() ? " (v0)" : "");
    }

    static List<String> codePoints(String s) {
        return s.codePoints().mapToObj(Character::toString).toList();
    }
}

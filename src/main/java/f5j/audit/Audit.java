package f5j.audit;

import f5j.audio.Audio;
import f5j.audio.MelSpectrogram;
import f5j.audio.RefAudioPreprocessor;
import f5j.audio.Resampler;
import f5j.audio.WavFile;
import f5j.audit.AuditReport.Cause;
import f5j.audit.AuditReport.ConditioningStage;
import f5j.audit.AuditReport.FactorEffect;
import f5j.audit.AuditReport.LayerDiff;
import f5j.audit.AuditReport.TensorDrift;
import f5j.audit.AuditReport.TokenRow;
import f5j.compute.Backend;
import f5j.compute.Precision;
import f5j.compute.PrecisionBackend;
import f5j.config.DitArch;
import f5j.config.MelSpecConfig;
import f5j.config.ModelConfig;
import f5j.dit.DiT;
import f5j.infer.InferText;
import f5j.golden.Metrics;
import f5j.vocoder.Vocos;
import f5j.sampler.CfmSampler;
import f5j.sampler.SampleResult;
import f5j.sampler.SampleSettings;
import f5j.sampler.TorchRandom;
import f5j.tensor.Tensor;
import f5j.text.PinyinConverter;
import f5j.text.Vocab;
import f5j.trace.Trace;
import f5j.util.F5jException;
import f5j.weights.Checkpoints;
import f5j.weights.RawTensor;
import f5j.weights.StateDict;
import f5j.weights.Weights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The train-vs-inference audit. Builds the inputs of both upstream paths from the same checkpoint,
 * reference and seed — the trainer's logged sample ({@code Trainer.train}: online weights, the dataset's
 * reference mel as is, the dataset text twice, 2x the reference frames, autocast) and {@code infer_process}
 * (EMA weights, preprocessed and loudness-raised reference, {@code convert_char_to_pinyin} of ref + gen text,
 * the byte-count duration, the model cast to fp16) — then runs the DiT at the first ODE step with the train
 * path's inputs and each factor switched alone to its inference value, layer by layer, and samples both
 * paths to the end.
 */
public final class Audit {
    public static final double TOL = Findings.TOL;

    public record Options(Path checkpoint, Path vocab, Path trainVocab, ModelConfig config, ModelConfig trainConfig,
                          String configSource, Path refAudio, String refText, String genText, String datasetText,
                          long seed, Precision trainPrecision, Precision inferPrecision, int nfe, double cfgStrength,
                          Double swaySamplingCoef, String method, Path vocoder, Backend backend) {
        public Options {
            Objects.requireNonNull(checkpoint, "checkpoint");
            Objects.requireNonNull(config, "config");
            if (refText == null || refText.isBlank()) {
                throw new F5jException(refAudio + ": the reference text is empty (--ref-text): the audit needs the words spoken");
            }
        }
    }

    /** Everything one DiT run is fed; each field is one factor (or part of one). */
    record Setup(Map<String, RawTensor> weights, String weightsLabel, long[] ids, Tensor refMel, int cut, int duration,
                 Precision precision, PrecisionBackend.Mode mode, DitArch arch) {
        /** This setup with one factor taken from {@code other}. */
        Setup with(String factor, Setup o) {
            return switch (factor) {
                case "weights" -> new Setup(o.weights, o.weightsLabel, ids, refMel, cut, duration, precision, mode, arch);
                case "tokens" -> new Setup(weights, weightsLabel, o.ids, refMel, cut, duration, precision, mode, arch);
                case "reference" -> new Setup(weights, weightsLabel, ids, o.refMel, o.cut, duration, precision, mode, arch);
                case "duration" -> new Setup(weights, weightsLabel, ids, refMel, cut, o.duration, precision, mode, arch);
                case "precision" -> new Setup(weights, weightsLabel, ids, refMel, cut, duration, o.precision, o.mode, arch);
                case "architecture" -> withArch(o.arch);
                default -> throw new IllegalArgumentException(factor);
            };
        }

        Setup withArch(DitArch a) { return new Setup(weights, weightsLabel, ids, refMel, cut, duration, precision, mode, a); }

        Setup withPrecision(Precision p, PrecisionBackend.Mode m) {
            return new Setup(weights, weightsLabel, ids, refMel, cut, duration, p, m, arch);
        }

        int refFrames() { return refMel.dim(1); }

        /** CFM.sample's clamp: at least the text or the reference plus one frame. */
        int effectiveDuration() { return Math.max(Math.max(ids.length, refFrames()) + 1, duration); }
    }

    /**
     * The first ODE step of one setup: the mel it points at ({@code x + (1 - t) v}, all frames), where the
     * generated frames start, and every layer.
     */
    record Step(Tensor estimate, int refFrames, Map<String, Tensor> acts) {
        /**
         * Relative change of the estimate against {@code base} over the frames both generate, at the same
         * absolute positions (so both see the same start noise there).
         */
        double effectAgainst(Step base) {
            int from = Math.max(refFrames, base.refFrames), to = Math.min(estimate.dim(1), base.estimate.dim(1));
            if (to <= from) return LayerCompare.relError(estimate, base.estimate);
            return LayerCompare.relError(frames(estimate, from, to), frames(base.estimate, from, to));
        }

        private static Tensor frames(Tensor t, int from, int to) {
            int d = t.dim(2);
            return new Tensor(Arrays.copyOfRange(t.data, from * d, to * d), 1, to - from, d);
        }
    }

    private final Options o;
    private final Consumer<String> log;
    /** Trace size above which only block-level layers are recorded. */
    static final long TRACE_BUDGET_BYTES = 512L << 20;
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
        MelSpecConfig mc = o.config.melSpec();
        DitArch inferArch = o.config.arch();
        DitArch trainArch = o.trainConfig == null ? inferArch : o.trainConfig.arch();
        String genText = o.genText != null && !o.genText.isBlank() ? o.genText : o.datasetText != null ? o.datasetText : o.refText;
        r.inputs.put("checkpoint", o.checkpoint.toString());
        r.inputs.put("config", o.configSource);
        r.inputs.put("vocab", String.valueOf(o.vocab));
        if (o.trainVocab != null) r.inputs.put("train_vocab", o.trainVocab.toString());
        r.inputs.put("ref_audio", String.valueOf(o.refAudio));
        r.inputs.put("ref_text", o.refText);
        r.inputs.put("gen_text", genText);
        r.inputs.put("dataset_text", o.datasetText == null ? "(not given: convert_char_to_pinyin of the ref text)" : o.datasetText);
        r.inputs.put("seed", o.seed);
        r.inputs.put("train_precision", o.trainPrecision.label() + (o.trainPrecision == Precision.FP32 ? "" : " (autocast)"));
        r.inputs.put("infer_precision", o.inferPrecision.label() + (o.inferPrecision == Precision.FP32 ? "" : " (model cast)"));
        r.inputs.put("sampling", "nfe " + o.nfe + ", cfg " + o.cfgStrength + ", sway " + o.swaySamplingCoef + ", " + o.method);

        // 1. weights
        log.accept("weights: " + o.checkpoint);
        StateDict emaL = Checkpoints.load(o.checkpoint, Weights.EMA);
        Map<String, RawTensor> ema = emaL.tensors();
        Map<String, RawTensor> online = ema;
        boolean hasOnline = true;
        try {
            online = Checkpoints.loadStateDict(o.checkpoint, Weights.ONLINE);
        } catch (F5jException e) {
            hasOnline = false;
            r.notes.add("No online weights (" + e.getMessage() + "): the trainer path uses the EMA weights too, so the weights factor is not measured. Audit the trainer's model_N.pt to see it.");
        }
        r.weights = weightsStage(ema, online, hasOnline, emaL, inferArch);

        // 2. tokens
        Vocab vocab = Vocab.load(o.vocab);
        Vocab trainVocab = o.trainVocab == null ? vocab : Vocab.load(o.trainVocab);
        List<String> dataset = o.datasetText != null ? codePoints(o.datasetText) : PinyinConverter.convert(o.refText);
        List<String> trainTokens = new ArrayList<>(dataset);
        trainTokens.add(" ");
        trainTokens.addAll(dataset);

        RefAudioPreprocessor.Result pre = RefAudioPreprocessor.process(o.refAudio, s -> { });
        String refText = InferText.fixRefText(o.refText);
        List<String> chunks = InferText.chunks(genText, refText, pre.samples(), pre.sampleRate(), 1.0);
        String gen = chunks.getFirst();
        if (chunks.size() > 1) {
            r.notes.add("Inference splits the text into " + chunks.size() + " chunks (at most "
                    + InferText.maxChars(refText, pre.samples(), pre.sampleRate(), 1.0) + " bytes); the audit follows the first: \"" + gen + "\".");
        }
        String refTextInfer = InferText.batchRefText(refText);
        List<String> inferTokens = PinyinConverter.convert(refTextInfer + gen);
        long[] trainIds = trainVocab.ids(trainTokens), inferIds = vocab.ids(inferTokens);
        r.tokens = Findings.tokensStage(String.join("", dataset) + " " + String.join("", dataset), refTextInfer + gen,
                trainTokens, inferTokens, trainIds, inferIds);

        // 3. conditioning
        Audio raw = WavFile.read(o.refAudio);
        float[] trainWave = raw.mono();
        if (raw.sampleRate() != mc.sampleRate()) trainWave = Resampler.resample(trainWave, raw.sampleRate(), mc.sampleRate());
        MelSpectrogram melSpec = new MelSpectrogram(mc);
        Tensor trainRef = melSpec.compute(trainWave).transposeLast2();
        float[] inferWave = new Audio(pre.channels(), pre.sampleRate()).mono().clone();
        float rms = rms(inferWave);
        boolean raised = rms < 0.1f;
        if (raised) for (int i = 0; i < inferWave.length; i++) inferWave[i] = inferWave[i] * 0.1f / rms;
        if (pre.sampleRate() != mc.sampleRate()) inferWave = Resampler.resample(inferWave, pre.sampleRate(), mc.sampleRate());
        Tensor inferRef = melSpec.compute(inferWave).transposeLast2();
        // the trainer counts the reference in mel frames; inference in samples // hop (one fewer), though
        // CFM.sample conditions on every frame of the reference mel it computes from the wave
        int trainRefFrames = trainRef.dim(1), inferRefFrames = inferWave.length / mc.hopLength();
        int trainDur = 2 * trainRefFrames;
        int inferDur = InferText.duration(inferRefFrames, refTextInfer, gen, 1.0, null);
        r.trainRefMel = trainRef;
        r.inferRefMel = inferRef;
        r.conditioning = conditioningStage(raw, pre, rms, raised, trainRef, inferRef, inferRefFrames, trainDur, inferDur, trainIds, inferIds);

        // 4. the DiT at the first ODE step, each factor alone
        Setup train = new Setup(online, hasOnline ? "online" : "ema", trainIds, trainRef, trainRefFrames, trainDur,
                o.trainPrecision, PrecisionBackend.Mode.AUTOCAST, trainArch);
        Setup infer = new Setup(ema, "ema", inferIds, inferRef, inferRefFrames, inferDur, o.inferPrecision, PrecisionBackend.Mode.HALF, inferArch);
        // every layer for small models; for large ones only each block's attention, feed-forward and output
        // (a full trace of a Base model at a few hundred frames holds gigabytes)
        long perTrace = (long) (inferArch.depth() * 22 + 60) * 2 * Math.max(train.effectiveDuration(), infer.effectiveDuration())
                * inferArch.dim() * 2 * Float.BYTES;
        layerFilter = perTrace <= TRACE_BUDGET_BYTES ? m -> true : Audit::blockLevel;
        if (perTrace > TRACE_BUDGET_BYTES) r.notes.add("Large model: layers recorded at block level (attention, feed-forward, block output, embeddings).");

        // runs grouped by the model they need, so only one model is held at a time
        log.accept("dit: first ODE step, train path");
        Step t0 = step(train);
        Map<String, FactorEffect> effects = new HashMap<>();
        List<String> order = new ArrayList<>(List.of("tokens", "reference", "duration", "weights", "precision"));
        if (!trainArch.equals(inferArch)) order.add("architecture");
        Precision emulated = o.inferPrecision != Precision.FP32 ? o.inferPrecision
                : o.trainPrecision != Precision.FP32 ? o.trainPrecision : Precision.FP16;
        Step low = null;
        for (String f : order) {
            log.accept("dit: first ODE step, " + f + " switched to inference");
            Step s = step(train.with(f, infer));
            List<LayerDiff> diffs = LayerCompare.compare(s.acts, t0.acts);
            effects.put(f, new FactorEffect(f, s.effectAgainst(t0), factorDetail(f, r, train, infer, trainArch, inferArch, hasOnline),
                    LayerCompare.firstOver(diffs, TOL), diffs));
            if (f.equals("precision") && emulated == o.inferPrecision) low = s;
            if (f.equals("duration")) {
                log.accept("sampling the train path (" + o.nfe + " steps)");
                r.trainMel = sample(train);
            }
        }
        for (String f : List.of("weights", "tokens", "reference", "duration", "precision", "architecture")) {
            if (effects.containsKey(f)) r.factors.add(effects.get(f));
        }

        // precision: per-layer statistics of the emulated format against fp32
        if (low == null) low = step(train.withPrecision(emulated, PrecisionBackend.Mode.HALF));
        Step fp32 = train.precision == Precision.FP32 ? t0 : step(train.withPrecision(Precision.FP32, PrecisionBackend.Mode.HALF));
        List<AuditReport.LayerPrecision> lp = LayerCompare.precision(fp32.acts, low.acts, emulated);
        low = null;
        fp32 = null;
        long overflow = lp.stream().mapToLong(AuditReport.LayerPrecision::overflow).sum();
        String firstP = null;
        for (AuditReport.LayerPrecision l : lp) if (!(l.relError() <= 1e-2)) { firstP = l.layer(); break; }
        r.precision = new AuditReport.PrecisionStage(o.trainPrecision.label(), o.inferPrecision.label(),
                emulated.label() + " (weights and every op's output rounded, fp32 accumulation)", 1e-2, firstP, overflow, lp);

        // architecture flags: the other version's pe_attn_head / text_mask_padding
        DitArch alt = alternative(inferArch);
        log.accept("dit: first ODE step, architecture alternative " + flags(alt));
        Step a = step(train.withArch(alt));
        List<LayerDiff> altDiffs = LayerCompare.compare(a.acts, t0.acts);
        r.architecture = new AuditReport.ArchitectureStage(flags(inferArch), flags(alt), flags(trainArch),
                a.effectAgainst(t0), LayerCompare.firstOver(altDiffs, TOL), altDiffs);
        a = null;

        // the inference path: all factors at once, then to the end
        log.accept("dit: first ODE step, inference path");
        Step i0 = step(infer);
        r.layers.addAll(LayerCompare.compare(i0.acts, t0.acts));
        i0 = null;
        log.accept("sampling the inference path (" + o.nfe + " steps)");
        r.inferMel = sample(infer);
        Tensor trainMel = r.trainMel, inferMel = r.inferMel;
        dit = null;
        Double snr = null;
        if (o.vocoder != null) {
            log.accept("vocoding both mels with " + o.vocoder);
            Vocos vocos = Vocos.load(o.vocoder, o.backend);
            r.trainAudio = vocos.decode(trainMel.transposeLast2(), Trace.OFF).data;
            r.inferAudio = vocos.decode(inferMel.transposeLast2(), Trace.OFF).data;
            // infer_batch_process undoes its loudness raise on the generated wave
            if (raised) for (int i = 0; i < r.inferAudio.length; i++) r.inferAudio[i] = r.inferAudio[i] * rms / 0.1f;
            r.audioSampleRate = vocos.sampleRate();
            int n = Math.min(r.trainAudio.length, r.inferAudio.length);
            snr = Metrics.snrDb(Arrays.copyOf(r.inferAudio, n), Arrays.copyOf(r.trainAudio, n));
        } else {
            r.notes.add("No --vocoder: the final stage compares the mels only (give the Vocos folder to hear and compare both paths' audio).");
        }
        r.finalOutput = new AuditReport.FinalStage(o.nfe, o.cfgStrength, o.swaySamplingCoef, o.method, o.seed,
                trainMel.dim(1), inferMel.dim(1), LayerCompare.relError(inferMel, trainMel), snr,
                snr == null ? null : "train.wav", snr == null ? null : "infer.wav");

        Findings.rankCauses(r);
        r.firstDivergence = Findings.firstDivergence(r, trainIds, inferIds);
        return r;
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
    private Tensor noise(int duration, int melDim) {
        return new Tensor(new TorchRandom(o.seed).randn(duration * melDim), 1, duration, melDim);
    }

    private Step step(Setup s) {
        DiT dit = dit(s);
        int dur = s.effectiveDuration(), d = dit.melDim(), ref = s.refFrames();
        Tensor x = noise(dur, d);
        Tensor cond = Tensor.zeros(1, dur, d);
        System.arraycopy(s.refMel.data, 0, cond.data, 0, Math.min(ref, dur) * d);
        if (s.mode == PrecisionBackend.Mode.HALF) { // the model cast: its inputs are fp16 too
            s.precision.roundInPlace(x.data, x.data.length);
            s.precision.roundInPlace(cond.data, cond.data.length);
        }
        float t0 = 0f; // every upstream grid starts at 0: EPSS tables and linspace do, and sway keeps 0 at 0
        Trace trace = new Trace(layerFilter);
        boolean cfg = o.cfgStrength >= 1e-5;
        Tensor pred = dit.forward(x, cond, new long[][]{s.ids}, new float[]{t0}, null, false, false, cfg, trace);
        float[] flow = new float[dur * d];
        for (int i = 0; i < flow.length; i++) {
            flow[i] = cfg ? pred.data[i] + (pred.data[i] - pred.data[flow.length + i]) * (float) o.cfgStrength : pred.data[i];
        }
        // the mel this step points at: x + (1 - t) v
        float[] est = new float[dur * d];
        for (int i = 0; i < est.length; i++) est[i] = x.data[i] + (1 - t0) * flow[i];
        Map<String, Tensor> acts = new java.util.LinkedHashMap<>(trace.recorded());
        acts.put("flow", new Tensor(flow, 1, dur, d));
        return new Step(new Tensor(est, 1, dur, d), Math.min(ref, dur), acts);
    }

    /** The whole sampler for a setup; the generated frames (reference dropped), 1 g 100. */
    private Tensor sample(Setup s) {
        DiT dit = dit(s);
        SampleSettings ss = new SampleSettings(o.nfe, o.cfgStrength, o.swaySamplingCoef, o.method, o.seed, null);
        SampleResult res = new CfmSampler(dit).sample(s.refMel, s.ids, s.duration, ss, Trace.OFF);
        Tensor mel = res.mel();
        int ref = Math.min(s.cut, mel.dim(1)), n = mel.dim(1), d = mel.dim(2);
        return new Tensor(Arrays.copyOfRange(mel.data, ref * d, n * d), 1, n - ref, d);
    }

    // ---------------------------------------------------------------- stages

    private AuditReport.WeightsStage weightsStage(Map<String, RawTensor> ema, Map<String, RawTensor> online, boolean hasOnline,
                                                  StateDict emaL, DitArch arch) {
        List<String> expected = f5j.weights.DitShapes.names(arch);
        List<String> missing = expected.stream().filter(k -> !ema.containsKey(k)).toList();
        Set<String> exp = new LinkedHashSet<>(expected);
        List<String> extra = ema.keySet().stream().filter(k -> !exp.contains(k) && k.startsWith("transformer.")).toList();
        List<TensorDrift> drift = new ArrayList<>();
        double max = 0, sum = 0;
        if (hasOnline) {
            for (String k : expected) {
                RawTensor e = ema.get(k), on = online.get(k);
                if (e == null || on == null || !e.dtype().isFloat()) continue;
                float[] a = on.toFloats(), b = e.toFloats();
                if (a.length != b.length) continue;
                double rel = LayerCompare.relError(a, b);
                double mad = 0;
                for (int i = 0; i < a.length; i++) mad = Math.max(mad, Math.abs((double) a[i] - b[i]));
                drift.add(new TensorDrift(k, rel, mad, a.length));
                max = Math.max(max, rel);
                sum += rel;
            }
        }
        return new AuditReport.WeightsStage(hasOnline ? "online (model_state_dict)" : "ema (no online weights in the file)",
                "ema (ema_model_state_dict)", emaL.info().emaStep(), emaL.info().initted(), hasOnline, max,
                drift.isEmpty() ? 0 : sum / drift.size(), drift, missing, extra);
    }

    private ConditioningStage conditioningStage(Audio raw, RefAudioPreprocessor.Result pre, float rms, boolean raised,
                                                Tensor trainRef, Tensor inferRef, int inferRefFrames, int trainDur, int inferDur,
                                                long[] trainIds, long[] inferIds) {
        double rawSec = (double) raw.frames() / raw.sampleRate();
        double removed = rawSec - (pre.seconds() - 0.05);
        List<String> effects = new ArrayList<>();
        if (raw.channelCount() > 1) effects.add("both paths mix the " + raw.channelCount() + " channels to mono");
        if (Math.abs(removed) > 1e-9) {
            effects.add(String.format(java.util.Locale.ROOT, "inference trims %.3f s of silence/overlength (12 s limit) from the reference and appends 50 ms of silence", removed));
        }
        effects.addAll(pre.notes());
        if (raised) effects.add(String.format(java.util.Locale.ROOT, "inference raises the reference loudness from rms %.4f to 0.1 (x%.2f); the trainer uses it as is", rms, 0.1 / rms));
        if (raw.sampleRate() != o.config.melSpec().sampleRate()) effects.add("both paths resample " + raw.sampleRate() + " Hz to " + o.config.melSpec().sampleRate() + " Hz");
        effects.add("trainer duration = 2 x " + trainRef.dim(1) + " reference mel frames; inference counts the reference as samples // hop = "
                + inferRefFrames + " frames and estimates the duration from the texts' UTF-8 byte counts");
        int td = Math.max(Math.max(trainIds.length, trainRef.dim(1)) + 1, trainDur);
        int id = Math.max(Math.max(inferIds.length, inferRef.dim(1)) + 1, inferDur);
        return new ConditioningStage(raw.sampleRate(), rawSec, trainRef.dim(1), inferRefFrames, td, id, rms, raised,
                removed, LayerCompare.relError(inferRef, trainRef), effects);
    }

    private static String factorDetail(String f, AuditReport r, Setup train, Setup infer, DitArch ta, DitArch ia, boolean hasOnline) {
        return switch (f) {
            case "weights" -> hasOnline
                    ? String.format(java.util.Locale.ROOT, "online (trainer) vs EMA (inference) weights: largest tensor difference %.3g, EMA step %s",
                            r.weights.maxRelDiff(), r.weights.emaStep())
                    : "the file has only EMA weights";
            case "tokens" -> {
                AuditReport.TokensStage t = r.tokens;
                String s = t.trainTokens().size() + " trainer tokens vs " + t.inferTokens().size() + " at inference";
                if (!t.unknownChars().isEmpty()) s += "; not in the vocab (read as id 0): " + String.join(" ", t.unknownChars().stream().map(c -> "'" + c + "'").toList());
                if (t.insertedSpaces() > 0) s += "; " + t.insertedSpaces() + " segmentation spaces inserted";
                yield s;
            }
            case "reference" -> String.format(java.util.Locale.ROOT, "reference mel %d frames (trainer) vs %d (inference), rel. difference %.3g",
                    train.refFrames(), infer.refFrames(), r.conditioning.refMelRelDiff());
            case "duration" -> "duration " + train.effectiveDuration() + " frames (2 x reference) vs " + infer.effectiveDuration() + " (byte-count estimate)";
            case "precision" -> "trainer " + train.precision.label() + (train.precision == Precision.FP32 ? "" : " autocast")
                    + " vs inference " + infer.precision.label() + (infer.precision == Precision.FP32 ? "" : " (model cast)");
            case "architecture" -> "trainer " + flags(ta) + " vs inference " + flags(ia);
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

    // ---------------------------------------------------------------- helpers

    static List<String> codePoints(String s) {
        return s.codePoints().mapToObj(Character::toString).toList();
    }

    static float rms(float[] x) {
        double s = 0;
        for (float v : x) s += (double) v * v;
        return (float) Math.sqrt(s / Math.max(1, x.length));
    }
}

package f5j.cli;

import f5j.audit.Audit;
import f5j.audit.AuditReport;
import f5j.audit.DumpCompare;
import f5j.audit.EmaRecipe;
import f5j.infer.SynthSettings;
import f5j.compute.Precision;
import f5j.audit.ReportWriter;
import f5j.config.DitArch;
import f5j.config.ModelConfig;
import f5j.golden.GoldenFile;
import f5j.util.F5jException;
import f5j.weights.Checkpoints;
import f5j.weights.Weights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "audit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Why does inference not sound like the trainer's samples? Checks every known cause directly "
                + "(EMA lag, vocab, tokenization, reference clipping, duration, precision, architecture flags), then measures "
                + "the trainer's sample path against the inference path (synth's own conditioning, chunking and duration) "
                + "factor by factor on the generated frames against the noise of two seeds, and the trainer's loss under "
                + "each factor. Prints the verdict (cause, evidence, fix); DIR/report.html, DIR/report.json.",
                "With --compare: lines up a PyTorch recording (tools/dump_activations.py) with f5j layer by layer."})
final class AuditCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "model_N.pt (trainer checkpoint), pruned .pt or .safetensors") Path checkpoint;
    @Option(names = "--vocab", description = "vocab.txt used at inference") Path vocab;
    @Option(names = "--train-vocab", description = "vocab.txt the trainer used, if different") Path trainVocab;
    @Option(names = "--config", description = "model.yaml (upstream layout)") Path config;
    @Option(names = "--preset", description = "F5TTS_v1_Base, F5TTS_Base, F5TTS_v1_Small, F5TTS_Small") String preset;
    @Option(names = "--train-config", description = "the config the training ran with, if it differs (architecture factor)") Path trainConfig;
    @Option(names = "--train-preset", description = "preset the training ran with, if it differs") String trainPreset;
    @Option(names = "--ref-audio", description = "the dataset row's audio (WAV)") Path refAudio;
    @Option(names = "--ref-text", description = "its transcript") String refText;
    @Option(names = "--gen-text", description = "text to generate at inference (default: the dataset text, as the trainer does)") String genText;
    @Option(names = "--dataset-text", description = "the row's text as stored in the prepared dataset (default: convert_char_to_pinyin of --ref-text)") String datasetText;
    @Option(names = "--seed", defaultValue = "0", description = "start-noise seed for both paths (default ${DEFAULT-VALUE})") long seed;
    @Option(names = "--precision", defaultValue = "fp16", description = "inference precision: fp32, fp16 (CUDA's model.half(), default) or bf16") String precision;
    @Option(names = "--train-precision", defaultValue = "fp32", description = "trainer's mixed precision (autocast): fp32 (none, default), fp16, bf16") String trainPrecision;
    @Option(names = "--nfe", defaultValue = "32", description = "ODE steps (default ${DEFAULT-VALUE})") int nfe;
    @Option(names = "--speed", defaultValue = "1", description = "inference speed factor, as synth (default ${DEFAULT-VALUE})") double speed;
    @Option(names = "--fix-duration", paramLabel = "S", description = "as synth: seconds of reference + generated audio per chunk") Double fixDuration;
    @Option(names = "--target-rms", defaultValue = "0.1", description = "as synth: quiet references are raised to this rms (default ${DEFAULT-VALUE})") double targetRms;
    @Option(names = "--ema-beta", defaultValue = "0.9999", description = "the trainer's EMA beta (upstream default ${DEFAULT-VALUE})") double emaBeta;
    @Option(names = "--ema-update-after-step", defaultValue = "100", description = "the trainer's EMA update_after_step (default ${DEFAULT-VALUE})") long emaAfter;
    @Option(names = "--ema-update-every", defaultValue = "10", description = "the trainer's EMA update_every (default ${DEFAULT-VALUE})") long emaEvery;
    @Option(names = "--cfg", defaultValue = "2.0", description = "CFG strength (default ${DEFAULT-VALUE})") double cfg;
    @Option(names = "--sway", defaultValue = "-1.0", description = "sway sampling coefficient (default ${DEFAULT-VALUE})") double sway;
    @Option(names = "--method", defaultValue = "euler", description = "euler or midpoint") String method;
    @Option(names = "--vocoder", description = "Vocos folder (config.yaml + pytorch_model.bin): vocode both mels, write train.wav / infer.wav") Path vocoder;
    @Option(names = "--backend", defaultValue = "cpu", description = "cpu or tornado") String backend;
    @Option(names = "--compare", description = "a PyTorch recording to line up with f5j (dit_forward / cfm_sample)") Path compare;
    @Option(names = "--weights", description = "with --compare: ema or online (default: the recording's)") String weights;
    @Option(names = "--tolerance", defaultValue = "1e-4", description = "with --compare: relative tolerance per layer") double tolerance;
    @Option(names = "--out", description = "report folder (report.html, report.json)") Path out;

    @Override
    public Integer call() {
        return compare != null ? compareDump() : audit();
    }

    private ModelConfig config(Path file, String name, boolean required) {
        if (file != null && name != null) throw new F5jException("give either a config file or a preset, not both");
        if (file != null) return ModelConfig.load(file);
        if (name != null) return ModelConfig.preset(name);
        if (required) throw new F5jException("--config model.yaml or --preset NAME is needed");
        return null;
    }

    private Integer audit() {
        if (vocab == null) throw new F5jException("--vocab vocab.txt is needed");
        if (refAudio == null) throw new F5jException("--ref-audio WAV is needed");
        if (out == null) throw new F5jException("--out DIR is needed");
        ModelConfig cfgM = config(config, preset, true);
        ModelConfig trainCfg = config(trainConfig, trainPreset, false);
        Audit.Options o = new Audit.Options(checkpoint, vocab, trainVocab, cfgM, trainCfg,
                config != null ? config.toString() : "preset " + preset, refAudio, refText, genText, datasetText, seed,
                Precision.parse(trainPrecision, "--train-precision"), Precision.parse(precision, "--precision"),
                new SynthSettings(nfe, cfg, sway, speed, fixDuration, targetRms, 0.15, method),
                new EmaRecipe(emaBeta, emaAfter, emaEvery, 1.0, 2.0 / 3.0), vocoder, Backends.byName(backend));
        AuditReport r = Audit.run(o, s -> System.err.println("audit: " + s));
        ReportWriter.write(r, out);
        System.out.println(AuditSummary.text(r));
        System.out.println("report: " + out.resolve("report.html") + " and report.json");
        return 0;
    }

    private Integer compareDump() {
        try (GoldenFile dump = GoldenFile.open(compare)) {
            ModelConfig cfgM = config(config, preset, false);
            DitArch arch = cfgM != null ? cfgM.arch()
                    : dump.meta("arch") != null ? DitArch.fromJson(dump.meta("arch"), compare.toString()) : null;
            if (arch == null) throw new F5jException(compare + ": no 'arch' in the metadata; give --config or --preset");
            String w = weights != null ? weights : dump.meta("weights") != null ? dump.meta("weights") : "ema";
            Weights choice = switch (w.toLowerCase(Locale.ROOT)) {
                case "ema" -> Weights.EMA;
                case "online" -> Weights.ONLINE;
                default -> throw new F5jException("--weights " + w + ": ema or online");
            };
            DumpCompare.Result res = DumpCompare.compare(dump, Checkpoints.loadStateDict(checkpoint, choice), arch,
                    Backends.byName(backend), tolerance);
            for (var l : res.layers()) {
                System.out.printf(Locale.ROOT, "%-60s %s%s%n", l.layer(), AuditSummary.fmt(l.relError()), l.relError() <= tolerance ? "" : "  OVER");
            }
            System.out.println(res.firstOverTolerance() == null
                    ? "all " + res.layers().size() + " recorded tensors within " + tolerance
                    : "first layer over " + tolerance + ": " + res.firstOverTolerance());
            if (out != null) {
                AuditReport r = new AuditReport();
                r.inputs.put("compare", compare.toString());
                r.inputs.put("checkpoint", checkpoint.toString());
                r.inputs.put("weights", w);
                r.comparison = "f5j vs PyTorch recording";
                r.layers.addAll(res.layers());
                r.firstDivergence = new AuditReport.Divergence(res.firstOverTolerance() == null ? "none" : "dit", res.firstOverTolerance());
                ReportWriter.write(r, out);
            }
            return res.firstOverTolerance() == null ? 0 : 1;
        }
    }
}

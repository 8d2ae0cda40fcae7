package f5j.cli;

import com.google.gson.GsonBuilder;
import f5j.bench.Bench;
import f5j.compute.OpProfile;
import f5j.bench.RandomWeights;
import f5j.compute.Backend;
import f5j.config.ModelConfig;
import f5j.config.Presets;
import f5j.infer.Reference;
import f5j.infer.SynthSettings;
import f5j.infer.Synthesizer;
import f5j.text.Vocab;
import f5j.vocoder.Vocos;
import f5j.util.F5jException;
import f5j.vocoder.VocosConfig;
import f5j.weights.Checkpoints;
import f5j.weights.RawTensor;
import f5j.weights.Weights;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Time a CFG-packed DiT forward, a Vocos decode and a mel spectrogram of N frames.",
                "Weights are random (seeded) unless --model is given. Prints a table, then one JSON line "
                        + "(dit_forward_s = median forward, gflops, vocos_decode_s, mel_s, peak_rss_mb, ...).",
                "Compare with: python3 tools/bench_pytorch.py --preset P --frames N (same shapes in PyTorch)."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "F5TTS_v1_Base", description = "DiT preset in conf/ (default ${DEFAULT-VALUE})")
    String preset;
    @Option(names = "--model", paramLabel = "DIR", description = "model folder (model.yaml + model.safetensors or a .pt) instead of random weights")
    Path model;
    @Option(names = "--frames", defaultValue = "1000", description = "mel frames (default ${DEFAULT-VALUE})")
    int frames;
    @Mixin BackendOption backend;
    @Option(names = "--repeat", defaultValue = "3", description = "timed runs after one warm-up; the median is reported (default ${DEFAULT-VALUE})")
    int repeat;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--vocos-preset", defaultValue = "vocos-mel-24khz", description = "Vocos config in conf/ (random weights)")
    String vocosPreset;
    @Option(names = "--no-vocos", description = "skip the Vocos decode") boolean noVocos;
    @Option(names = "--profile", description = "time every backend operation of the DiT step (cpu-plan, tornado: every plan step's kernels, with GFLOP/s per op)") boolean profile;
    @Option(names = "--ref-audio", paramLabel = "WAV", description = "with --model: also time a whole synthesis from this reference")
    Path refAudio;
    @Option(names = "--ref-text", defaultValue = "", description = "transcript of --ref-audio") String refText;
    @Option(names = "--text", defaultValue = "The quick brown fox jumps over the lazy dog, and then it runs far away.",
            description = "text to synthesise for the whole-synthesis timing") String text;
    @Option(names = "--vocoder", paramLabel = "DIR", description = "Vocos folder for the whole synthesis (default: random weights of --vocos-preset)")
    Path vocoder;
    @Option(names = "--nfe", defaultValue = "32", description = "ODE steps of the whole synthesis, 1 to " + SynthSettings.MAX_NFE
            + " (default ${DEFAULT-VALUE})") int nfe;

    @Override
    public Integer call() {
        if (frames < 8) throw new F5jException("--frames " + frames + ": need at least 8");
        SynthSettings settings = SynthSettings.defaults().withNfe(nfe); // checked before any work
        if (repeat < 1) throw new F5jException("--repeat " + repeat + ": need at least 1");
        Backend be = backend.backend();
        ModelConfig mc;
        Map<String, RawTensor> sd;
        String label;
        if (model != null) {
            mc = ModelConfig.load(model.resolve("model.yaml"));
            Path w = weightsFile(model);
            sd = Checkpoints.loadStateDict(w, Weights.EMA);
            label = w.toString();
        } else {
            mc = ModelConfig.preset(preset);
            int textRows = RandomWeights.DEFAULT_TEXT_ROWS;
            sd = RandomWeights.dit(mc.arch(), textRows, mc.melSpec().nMels(), seed);
            label = preset + " (random weights, seed " + seed + ")";
        }
        VocosConfig vc = noVocos ? null : VocosConfig.load(Presets.path(vocosPreset));
        Map<String, RawTensor> vw = noVocos ? null : RandomWeights.vocos(vc, seed + 1);
        OpProfile prof = profile ? new OpProfile(be) : null;
        if (refAudio != null && model == null) throw new F5jException("--ref-audio: the whole-synthesis timing needs --model");
        Map<String, Object> res;
        // Bench.run reports nothing until it is done: an open-ended bar on stderr shows that it runs, and for how long
        try (ProgressBar bar = progress("bench", -1)) {
            bar.setExtraMessage("DiT forward" + (noVocos ? "" : ", Vocos decode") + ", mel: 1 warm-up + " + repeat + " timed runs each");
            res = Bench.run(new Bench.Setup(label, mc.arch(), sd, vc, vw, mc.melSpec(), be, frames, repeat, seed, prof));
        }
        if (backend.name.equals("tornado")) res.put("device_weights", backend.deviceWeights().label());
        if (refAudio != null) synth(mc, sd, be, settings, res);
        System.out.print(Bench.table(res));
        System.out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(res));
        return 0;
    }

    /** One whole synthesis (reference preprocessing, chunking, ODE solve, Vocos), timed after a warm-up run. */
    private void synth(ModelConfig mc, Map<String, RawTensor> sd, Backend be, SynthSettings settings, Map<String, Object> res) {
        VocosConfig vc = VocosConfig.load(Presets.path(vocosPreset));
        Vocos vocos = vocoder != null ? Vocos.load(vocoder, be) : Vocos.fromStateDict(RandomWeights.vocos(vc, seed + 1), vc, be);
        Synthesizer synth = new Synthesizer(mc, sd, Vocab.load(model.resolve("vocab.txt")), vocos, be);
        Reference ref = Reference.load(refAudio, refText, m -> { });
        List<String> chunks = Synthesizer.chunkText(ref, text, settings.speed());
        Synthesizer.Result r;
        double seconds;
        try (ProgressBar bar = progress("synth", 2L * chunks.size() * settings.nfe())) {
            Synthesizer.Listener steps = new Synthesizer.Listener() {
                @Override
                public void stepDone() { bar.step(); }
            };
            bar.setExtraMessage("warm-up run");
            synth.synthesize(ref, chunks, i -> seed + i, settings, steps);
            bar.setExtraMessage("timed run");
            long t0 = System.nanoTime();
            r = synth.synthesize(ref, chunks, i -> seed + i, settings, steps);
            seconds = (System.nanoTime() - t0) / 1e9;
        }
        res.put("synth_s", Math.round(seconds * 1e4) / 1e4);
        res.put("synth_audio_s", Math.round(r.seconds() * 1e4) / 1e4);
        res.put("synth_nfe", nfe);
        res.put("synth_rtf", Math.round(seconds / r.seconds() * 1e4) / 1e4);
        res.put("peak_rss_mb", Math.round(Bench.peakRssMb() * 10) / 10.0);
    }

    private static ProgressBar progress(String task, long max) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(500).build();
    }

    private static Path weightsFile(Path dir) {
        Path st = dir.resolve("model.safetensors");
        if (Files.isRegularFile(st)) return st;
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".pt")).sorted().findFirst().orElseThrow(() ->
                    new F5jException(dir + ": no model.safetensors or .pt checkpoint in the model folder"));
        } catch (IOException e) {
            throw new F5jException(dir + ": cannot list the model folder (" + e.getMessage() + ")", e);
        }
    }
}

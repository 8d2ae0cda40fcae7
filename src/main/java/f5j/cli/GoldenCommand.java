package f5j.cli;

import f5j.compute.Backend;
import f5j.golden.Check;
import f5j.golden.GoldenDiff;
import f5j.golden.GoldenFile;
import f5j.golden.GoldenReport;
import f5j.golden.Verifier;
import f5j.golden.VerifyOptions;
import f5j.util.F5jException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "golden", mixinStandardHelpOptions = true, description = "Verify (and record) golden outputs.",
        subcommands = {GoldenCommand.Verify.class, GoldenCommand.Record.class, GoldenCommand.Diff.class})
final class GoldenCommand implements Runnable {
    @Override
    public void run() { new picocli.CommandLine(this).usage(System.out); }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Replay golden files (or every golden under a folder) and compare each tensor.")
    static final class Verify implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE|DIR") List<Path> paths;
        @Option(names = "--backend", defaultValue = "cpu", description = "cpu, tornado (TornadoVM; build with -Ptornadovm) or cpu-plan (the device plan path on the CPU)") String backend;
        @Option(names = "--model", description = "model folder to use instead of the one the golden names") Path model;
        @Option(names = "--vocoder", description = "vocoder folder to use instead of the one the golden names") Path vocoder;
        @Option(names = "--rtol", description = "relative tolerance for every tensor") Double rtol;
        @Option(names = "--atol", description = "absolute tolerance for every tensor") Double atol;
        @Option(names = "--failures-only", description = "print only failed and skipped checks") boolean failuresOnly;

        @Override
        public Integer call() {
            List<Path> files = expand(paths);
            VerifyOptions opts = new VerifyOptions(Backends.byName(backend), model, vocoder, rtol, atol);
            GoldenReport report = Verifier.verify(files, opts);
            report.print(System.out, failuresOnly);
            Check first = GoldenDiff.firstDivergentLayer(report);
            if (first != null) {
                System.out.println("first divergent layer: " + first.name() + " (rel " + String.format("%.3g", first.rel()) + ")");
            }
            System.out.println(report.summary());
            return report.ok() ? 0 : 1;
        }
    }

    @Command(name = "record", mixinStandardHelpOptions = true,
            description = {"Run synth and record it as a golden file (kind f5j_synth) that `golden verify` replays alone.",
                    "Holds the reference audio, every parameter, the model's and vocoder's sha256, the preprocessed "
                            + "reference, the mel, the wave and act/MODULE#K of the DiT modules the taps select at the "
                            + "first ODE step of the first chunk."})
    static final class Record implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "DIR", description = "model folder (default: the bundled weights/f5tts-tiny-v1)") Path model;
        @Option(names = "--vocoder", paramLabel = "DIR", description = "Vocos folder (default: the bundled weights/vocos-tiny)") Path vocoder;
        @Option(names = "--ref-audio", required = true, paramLabel = "WAV") Path refAudio;
        @Option(names = "--ref-text", required = true, paramLabel = "T") String refText;
        @Option(names = "--text", required = true, paramLabel = "T", description = "text to speak") String text;
        @Option(names = "--seed", defaultValue = "0", description = "sampling seed (default ${DEFAULT-VALUE})") long seed;
        @Option(names = "--nfe", defaultValue = "32", description = "ODE steps (default ${DEFAULT-VALUE})") int nfe;
        @Option(names = "--cfg", defaultValue = "2") double cfg;
        @Option(names = "--sway", defaultValue = "-1") double sway;
        @Option(names = "--speed", defaultValue = "1") double speed;
        @Option(names = "--method", defaultValue = "euler", description = "euler or midpoint") String method;
        @Option(names = "--cross-fade", defaultValue = "0.15", paramLabel = "S") double crossFade;
        @Option(names = "--target-rms", defaultValue = "0.1") double targetRms;
        @Option(names = "--fix-duration", paramLabel = "S") Double fixDuration;
        @Option(names = "--taps", defaultValue = "*", paramLabel = "PATTERN",
                description = "DiT modules to record, comma-separated globs (default: all), e.g. 'transformer_blocks.*.attn,proj_out'") String taps;
        @Option(names = "--backend", defaultValue = "cpu", description = "cpu, reference, cpu-plan or tornado") String backend;
        @Option(names = "--out", required = true, paramLabel = "FILE.safetensors") Path out;

        @Override
        public Integer call() {
            Path m = model != null ? model : SynthRun.bundledModel();
            Path v = vocoder != null ? vocoder : SynthRun.bundledVocoder();
            SynthRun.requireDir(m, "--model", "model.yaml", "vocab.txt", "model.safetensors");
            SynthRun.requireDir(v, "--vocoder", "config.yaml");
            if (!out.getFileName().toString().endsWith(".safetensors")) throw new F5jException("--out " + out + ": must end in .safetensors");
            var settings = new f5j.infer.SynthSettings(nfe, cfg, sway, speed, fixDuration, targetRms, crossFade, method);
            var r = f5j.golden.SynthRecording.record(new f5j.golden.SynthRecording.Request(m, v, refAudio, refText, text, seed,
                    settings, taps, Backends.byName(backend)), out);
            try (GoldenFile g = GoldenFile.open(out)) {
                long acts = g.tensors().names().stream().filter(n -> n.startsWith("act/")).count();
                System.out.printf("recorded %s: %d chunk(s), %.2f s of audio, %d activations; replay with: ./f5j golden verify %s%n",
                        out, r.chunks().size(), r.seconds(), acts, out);
            }
            return 0;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "Compare two recordings tensor by tensor and name the first divergent layer.")
    static final class Diff implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "A") Path a;
        @Parameters(index = "1", paramLabel = "B") Path b;
        @Option(names = "--rtol", description = "relative tolerance (default ${DEFAULT-VALUE})", defaultValue = "1e-4") double rtol;
        @Option(names = "--atol", description = "absolute tolerance") Double atol;
        @Option(names = "--failures-only", description = "print only differing tensors") boolean failuresOnly;

        @Override
        public Integer call() {
            try (GoldenFile ga = GoldenFile.open(a); GoldenFile gb = GoldenFile.open(b)) {
                GoldenReport report = GoldenDiff.diff(ga, gb, rtol, atol);
                report.print(System.out, failuresOnly);
                List<String> inputs = GoldenDiff.inputDifferences(report);
                Check first = GoldenDiff.firstDivergentLayer(report);
                if (!inputs.isEmpty()) {
                    // different inputs make every later difference expected: no layer is to blame
                    System.out.println("input difference: " + String.join(", ", inputs)
                            + " — the two runs were given different inputs, so their outputs are expected to differ");
                } else {
                    System.out.println(first == null ? "no divergent layer"
                            : "first divergent layer: " + first.name() + " (rel " + String.format("%.3g", first.rel()) + ")");
                }
                System.out.println(report.summary());
                return report.ok() ? 0 : 1;
            }
        }
    }

    /** Files as given; folders walked for golden-looking files (safetensors, .pt, .bin), sorted. */
    static List<Path> expand(List<Path> paths) {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    s.filter(Files::isRegularFile).filter(f -> {
                        String n = f.getFileName().toString();
                        return n.endsWith(".safetensors") || n.endsWith(".pt") || n.endsWith(".bin");
                    }).sorted().forEach(out::add);
                } catch (IOException e) {
                    throw new F5jException(p + ": cannot list (" + e.getMessage() + ")");
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new F5jException(p + ": no such file or folder");
            }
        }
        return out;
    }
}

package f5j.cli;

import f5j.compute.Backend;
import f5j.golden.Check;
import f5j.golden.GoldenDiff;
import f5j.golden.GoldenFile;
import f5j.golden.GoldenReport;
import f5j.golden.Verifier;
import f5j.golden.VerifyOptions;
import f5j.util.F5jException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
final class GoldenCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() { return Main.usageError(spec); }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Replay golden files (or every golden under a folder) and compare each tensor.")
    static final class Verify implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE|DIR") List<Path> paths;
        @Mixin BackendOption backend;
        @Option(names = "--model", description = "model folder to use instead of the one the golden names") Path model;
        @Option(names = "--vocoder", description = "vocoder folder to use instead of the one the golden names") Path vocoder;
        @Option(names = "--rtol", description = "relative tolerance for every tensor") Double rtol;
        @Option(names = "--atol", description = "absolute tolerance for every tensor") Double atol;
        @Option(names = "--failures-only", description = "print only failed and skipped checks") boolean failuresOnly;

        @Override
        public Integer call() {
            List<Path> files = expand(paths);
            // nothing verified is not a pass: a CI job pointed at the wrong folder must fail
            if (files.isEmpty()) throw new F5jException(paths + ": no golden files (.safetensors, .pt, .bin) to verify");
            double minRtol = VerifyOptions.deviceWeightsRtol(backend.deviceWeights());
            VerifyOptions opts = new VerifyOptions(backend.backend(), model, vocoder, rtol, atol, minRtol);
            GoldenReport report = Verifier.verify(files, opts);
            report.print(System.out, failuresOnly);
            if (minRtol > 0 && rtol == null) {
                // the goldens hold fp32 results: say why this run's tolerances are not theirs
                System.out.printf("--device-weights %s: the device computes with linear weights rounded to %1$s, so "
                        + "checks are held to rtol >= %.3g (not the fp32 goldens' own; README, TornadoVM)%n",
                        backend.deviceWeights().label(), minRtol);
            }
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
        @Option(names = "--ref-audio", required = true, paramLabel = "WAV", description = "reference voice clip (stored in the recording)") Path refAudio;
        @Option(names = "--ref-text", required = true, paramLabel = "T", description = "the words spoken in the reference") String refText;
        @ArgGroup(exclusive = true, multiplicity = "1") TextSource text;

        static final class TextSource {
            @Option(names = "--text", paramLabel = "T", description = "text to speak") String text;
            @Option(names = "--text-file", paramLabel = "F", description = "UTF-8 file with the text to speak") Path file;
        }

        @Mixin SamplingOptions sampling;
        @Mixin SeedOption seed;
        @Option(names = "--taps", defaultValue = "*", paramLabel = "PATTERN",
                description = "DiT modules to record, comma-separated globs (default: all), e.g. 'transformer_blocks.*.attn,proj_out'") String taps;
        @Mixin BackendOption backend;
        @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "the recording to write") Path out;

        @Override
        public Integer call() {
            Path m = model != null ? model : SynthRun.bundledModel();
            Path v = vocoder != null ? vocoder : SynthRun.bundledVocoder();
            SynthRun.requireDir(m, "--model", "model.yaml", "vocab.txt", "model.safetensors");
            SynthRun.requireDir(v, "--vocoder", "config.yaml");
            if (!out.getFileName().toString().endsWith(".safetensors")) throw new F5jException("--out " + out + ": must end in .safetensors");
            var settings = sampling.settings();
            String t = text.text != null ? text.text : SynthCommand.readText(text.file);
            Outputs.requireNotAnInput("--out", out, refAudio, text.file, m.resolve("model.safetensors"), v.resolve("pytorch_model.bin"));
            Outputs.requireWritable("--out", out);
            var r = f5j.golden.SynthRecording.record(new f5j.golden.SynthRecording.Request(m, v, refAudio, refText, t, seed.orElse(0),
                    settings, taps, backend.backend()), out);
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

package f5j.cli;

import f5j.compute.Backend;
import f5j.golden.Check;
import f5j.golden.GoldenDiff;
import f5j.golden.GoldenFile;
import f5j.golden.GoldenReport;
import f5j.golden.Verifier;
import f5j.golden.VerifyOptions;
import f5j.infer.SynthRecorder;
import f5j.infer.SynthSettings;
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
        subcommands = {GoldenCommand.Record.class, GoldenCommand.Verify.class, GoldenCommand.Diff.class})
final class GoldenCommand implements Runnable {
    @Override
    public void run() { new picocli.CommandLine(this).usage(System.out); }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Replay golden files (or every golden under a folder) and compare each tensor.")
    static final class Verify implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE|DIR") List<Path> paths;
        @Option(names = "--backend", defaultValue = "cpu", description = "cpu, reference (the scalar reference kernels), tornado (TornadoVM; build with -Ptornadovm) or cpu-plan (the device plan path on the CPU)") String backend;
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
            if (first != null) System.out.println(firstLine(first));
            System.out.println(report.summary());
            return report.ok() ? 0 : 1;
        }
    }

    @Command(name = "record", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Run the synth pipeline once and write it as a golden (kind f5j_synth) that "
                    + "`golden verify` replays: inputs, outputs and the DiT activations of the first ODE step.",
                    "Chunk i is sampled with seed SEED + i, as ./f5j synth does."})
    static final class Record implements Callable<Integer> {
        @Option(names = "--model", paramLabel = "DIR", description = "model folder: model.safetensors + model.yaml + vocab.txt "
                + "(default: the bundled weights/f5tts-tiny-v1)") Path model;
        @Option(names = "--vocoder", paramLabel = "DIR", description = "Vocos folder: config.yaml + pytorch_model.bin "
                + "(default: the bundled weights/vocos-tiny)") Path vocoder;
        @Option(names = "--ref-audio", required = true, paramLabel = "WAV", description = "reference voice clip (WAV); stored in the recording") Path refAudio;
        @Option(names = "--ref-text", required = true, paramLabel = "T", description = "the words spoken in the reference") String refText;
        @Option(names = "--text", required = true, paramLabel = "T", description = "text to speak") String text;
        @Option(names = "--seed", required = true, paramLabel = "N", description = "sampling seed") long seed;
        @Option(names = "--nfe", defaultValue = "32", description = "ODE steps (default ${DEFAULT-VALUE})") int nfe;
        @Option(names = "--cfg", defaultValue = "2", description = "classifier-free guidance strength (default ${DEFAULT-VALUE})") double cfg;
        @Option(names = "--sway", defaultValue = "-1", description = "sway sampling coefficient (default ${DEFAULT-VALUE})") double sway;
        @Option(names = "--speed", defaultValue = "1", description = "speech speed factor (default ${DEFAULT-VALUE})") double speed;
        @Option(names = "--method", defaultValue = "euler", description = "ODE method: euler or midpoint (default ${DEFAULT-VALUE})") String method;
        @Option(names = "--cross-fade", defaultValue = "0.15", paramLabel = "S", description = "cross-fade between chunks in seconds (default ${DEFAULT-VALUE})") double crossFade;
        @Option(names = "--target-rms", defaultValue = "0.1", description = "quiet references are raised to this rms (default ${DEFAULT-VALUE})") double targetRms;
        @Option(names = "--fix-duration", paramLabel = "S", description = "seconds of reference + generated audio per chunk, instead of the estimate") Double fixDuration;
        @Option(names = "--taps", defaultValue = "*", paramLabel = "GLOBS", description = "DiT modules to record at the first ODE step, "
                + "comma-separated globs over module paths, e.g. 'transformer_blocks.*.attn,proj_out'; '*' all (default), 'none' no activations") String taps;
        @Option(names = "--backend", defaultValue = "cpu", description = "cpu, reference, cpu-plan or tornado (default ${DEFAULT-VALUE})") String backend;
        @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "the recording to write") Path out;
        @Option(names = "--portable", description = "store the model, vocoder and reference paths only relative to the "
                + "recording (for recordings kept in a repository beside their model)") boolean portable;

        @Override
        public Integer call() {
            SynthSettings s = new SynthSettings(nfe, cfg, sway, speed, fixDuration, targetRms, crossFade, method);
            SynthRecorder.Request q = new SynthRecorder.Request(model != null ? model : SynthRun.bundledModel(),
                    vocoder != null ? vocoder : SynthRun.bundledVocoder(), refAudio, refText, text, seed, s, taps,
                    Backends.byName(backend), out, portable);
            SynthRecorder.Summary r = SynthRecorder.record(q, m -> System.err.println(m));
            System.out.printf("wrote %s: %d chunk(s), %d activations, %.2f s of audio, %d bytes%n", r.file(), r.chunks(),
                    r.activations(), r.seconds(), r.bytes());
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
                            + " (the recordings ran on different inputs, so their numbers are not expected to agree)");
                } else {
                    System.out.println(first == null ? "no divergent layer" : firstLine(first));
                }
                System.out.println(report.summary());
                return report.ok() ? 0 : 1;
            }
        }
    }

    static String firstLine(Check first) {
        return "first divergent layer: " + first.name() + (Double.isNaN(first.rel()) ? " (" + first.note() + ")"
                : " (rel " + String.format("%.3g", first.rel()) + ")");
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

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
        subcommands = {GoldenCommand.Verify.class, GoldenCommand.Diff.class})
final class GoldenCommand implements Runnable {
    @Override
    public void run() { new picocli.CommandLine(this).usage(System.out); }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Replay golden files (or every golden under a folder) and compare each tensor.")
    static final class Verify implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "FILE|DIR") List<Path> paths;
        @Option(names = "--backend", defaultValue = "cpu", description = "cpu or tornado") String backend;
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
            System.out.println(report.summary());
            return report.ok() ? 0 : 1;
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
                Check first = GoldenDiff.firstDivergentLayer(report);
                System.out.println(first == null ? "no divergent layer"
                        : "first divergent layer: " + first.name() + " (rel " + String.format("%.3g", first.rel()) + ")");
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

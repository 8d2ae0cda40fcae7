package f5j.golden;

import f5j.util.F5jException;

import java.nio.file.Path;
import java.util.List;

/**
 * Verifies golden files: dispatches each on its kind, collects every check in one report. An instance owns
 * what replays share (the DiT last built), so nothing outlives it.
 */
public final class Verifier {
    private final VerifyOptions options;
    private final List<GoldenKind> kinds;

    public Verifier(VerifyOptions options) {
        this.options = options;
        GoldenModel models = new GoldenModel();
        this.kinds = List.of(new FrontendKind(), new DitForwardKind(models), new CfmSampleKind(models), new RngKind(),
                new TextKind(), new InferProcessKind(), new VocosKind(), new SynthRecording());
    }

    public static GoldenReport verify(List<Path> files, VerifyOptions options) {
        return new Verifier(options).verifyAll(files);
    }

    public GoldenReport verifyAll(List<Path> files) {
        if (files.isEmpty()) {
            throw new F5jException("no golden files to verify: the folders given hold no .safetensors, .pt or .bin files");
        }
        GoldenReport report = new GoldenReport();
        report.setAtol(options.atol());
        for (Path f : files) {
            report.setPrefix(files.size() > 1 ? label(f) + ": " : "");
            verify(f, report);
        }
        report.setPrefix("");
        return report;
    }

    /** "folder/file", enough to tell apart the goldens of two models. */
    static String label(Path f) {
        Path parent = f.toAbsolutePath().getParent();
        return (parent == null ? "" : parent.getFileName() + "/") + f.getFileName();
    }

    /** The kind that replays goldens whose metadata {@code kind} is {@code name}, or null. */
    public GoldenKind kind(String name) {
        for (GoldenKind k : kinds) if (k.kind().equals(name)) return k;
        return null;
    }

    public void verify(Path file, GoldenReport report) {
        String name = file.getFileName().toString();
        if (CheckpointKind.handles(file)) {
            CheckpointKind.verify(file, options, report);
            return;
        }
        try (GoldenFile g = GoldenFile.open(file)) {
            String kind = g.kind();
            if (kind == null) {
                report.fail(name, "no 'kind' in the metadata: not a golden file");
                return;
            }
            GoldenKind k = kind(kind);
            if (k == null) {
                report.skip(name, "kind '" + kind + "' is not implemented yet");
                return;
            }
            k.verify(g, options, report);
        } catch (F5jException e) {
            report.fail(name, e.getMessage());
        }
    }
}

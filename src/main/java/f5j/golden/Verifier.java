package f5j.golden;

import f5j.util.F5jException;

import java.nio.file.Path;
import java.util.List;

/** Verifies golden files: dispatches each on its kind, collects every check in one report. */
public final class Verifier {
    private Verifier() {}

    public static GoldenReport verify(List<Path> files, VerifyOptions options) {
        if (files.isEmpty()) {
            throw new F5jException("no golden files to verify: the folders given hold no .safetensors, .pt or .bin files");
        }
        GoldenReport report = new GoldenReport();
        report.setAtol(options.atol());
        for (Path f : files) {
            report.setPrefix(files.size() > 1 ? label(f) + ": " : "");
            verifyOne(f, options, report);
        }
        report.setPrefix("");
        return report;
    }

    /** "folder/file", enough to tell apart the goldens of two models. */
    static String label(Path f) {
        Path parent = f.toAbsolutePath().getParent();
        return (parent == null ? "" : parent.getFileName() + "/") + f.getFileName();
    }

    public static void verifyOne(Path file, VerifyOptions options, GoldenReport report) {
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
            GoldenKind k = GoldenKinds.get(kind);
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

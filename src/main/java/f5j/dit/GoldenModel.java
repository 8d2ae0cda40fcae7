package f5j.dit;

import f5j.config.DitArch;
import f5j.golden.GoldenFile;
import f5j.golden.VerifyOptions;
import f5j.util.F5jException;
import f5j.weights.Checkpoints;
import f5j.weights.Weights;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The DiT a golden F5 file was recorded with: the {@code arch} of its metadata and the EMA weights of the
 * {@code model.safetensors} beside it, or of {@link VerifyOptions#model()} (a model folder, or any
 * checkpoint layout {@link Checkpoints} reads). The last model built is kept, so verifying a folder loads
 * it once; callers must leave its text-embedding cache clear.
 */
public final class GoldenModel {
    private GoldenModel() {}

    private static String lastKey;
    private static DiT last;

    public static synchronized DiT load(GoldenFile golden, VerifyOptions options) {
        String archJson = golden.requireMeta("arch");
        DitArch arch = DitArch.fromJson(archJson, golden.path() + " metadata 'arch'");
        Path file = weightsFile(golden, options);
        String key;
        try {
            key = file.toAbsolutePath().normalize() + "|" + Files.getLastModifiedTime(file) + "|" + archJson + "|"
                    + options.backend().name();
        } catch (java.io.IOException e) {
            throw new F5jException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (key.equals(lastKey)) return last;
        var sd = Checkpoints.loadStateDict(file, Weights.EMA);
        DiT dit;
        try {
            dit = DiT.load(sd, arch, options.backend());
        } catch (F5jException e) {
            throw new F5jException(file + ": " + e.getMessage());
        }
        last = dit;
        lastKey = key;
        return dit;
    }

    private static Path weightsFile(GoldenFile golden, VerifyOptions options) {
        Path m = options.model();
        Path f = m == null ? golden.dir().resolve("model.safetensors")
                : Files.isDirectory(m) ? m.resolve("model.safetensors") : m;
        if (!Files.isRegularFile(f)) throw new F5jException(f + ": no such model file (needed by " + golden.path() + ")");
        return f;
    }
}

package f5j.golden;

import f5j.config.DitArch;
import f5j.dit.DiT;
import f5j.util.F5jException;
import f5j.weights.Checkpoints;
import f5j.weights.Weights;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The DiT a golden F5 file (or a tools/dump_activations.py dump) was recorded with: the {@code arch} of its
 * metadata and the weights (EMA, or online when its {@code weights} says so) of the {@code model.safetensors}
 * beside it, or of {@link VerifyOptions#model()} (a model folder, or any checkpoint layout {@link Checkpoints}
 * reads). One instance serves one {@link Verifier}: the last model built is kept, so verifying a folder
 * loads it once; callers must leave its text-embedding cache clear.
 */
public final class GoldenModel {
    private String lastKey;
    private DiT last;

    public synchronized DiT load(GoldenFile golden, VerifyOptions options) {
        String archJson = golden.requireMeta("arch");
        DitArch arch = DitArch.fromJson(archJson, golden.path() + " metadata 'arch'");
        Path file = weightsFile(golden, options);
        String key;
        try {
            key = file.toAbsolutePath().normalize() + "|" + Files.getLastModifiedTime(file) + "|" + archJson + "|"
                    + options.backend().name() + "|" + weights(golden);
        } catch (java.io.IOException e) {
            throw new F5jException(file + ": cannot read (" + e.getMessage() + ")");
        }
        if (key.equals(lastKey)) return last;
        var sd = Checkpoints.loadStateDict(file, weights(golden));
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

    /**
     * A dump made at fp16/bf16 (tools/dump_activations.py --precision) is replayed in fp32: said on its own
     * line, since its layers then differ by that format's rounding.
     */
    public static void notePrecision(GoldenFile golden, GoldenReport report) {
        String p = golden.meta("precision");
        if (p != null && !p.equals("fp32")) {
            report.skip("meta/precision", "recorded at " + p + ", replayed in fp32: expect differences of " + p
                    + " rounding size (loosen with --rtol)");
        }
    }

    /** A dump of the training path (tools/dump_activations.py --weights online) is replayed on the online weights. */
    private static Weights weights(GoldenFile golden) {
        return "online".equals(golden.meta("weights")) ? Weights.ONLINE : Weights.EMA;
    }

    /** A converted folder's provenance says which weights it holds; a dump of the other ones cannot replay on it. */
    private static void requireFolderWeights(Path folder, Weights want, GoldenFile golden) {
        Path prov = folder.resolve("provenance.json");
        if (!Files.isRegularFile(prov)) return;
        String held;
        try {
            var w = com.google.gson.JsonParser.parseString(Files.readString(prov)).getAsJsonObject().get("weights");
            if (w == null) return;
            held = w.getAsString();
        } catch (java.io.IOException | RuntimeException e) {
            return; // provenance is informative; the weights themselves decide
        }
        if (!held.equalsIgnoreCase(want.name())) {
            throw new F5jException("--model " + folder + ": holds the " + held + " weights (provenance.json), but "
                    + golden.path() + " was recorded with the " + want.name().toLowerCase() + " weights; pass the "
                    + "checkpoint that has them (a trainer model_N.pt)" + (want == Weights.ONLINE ? ": no online weights here" : ""));
        }
    }

    /**
     * The weights: {@code --model} (a model folder or a checkpoint file), else the {@code model.safetensors}
     * beside the golden, else the checkpoint a dump names ({@code checkpoint}, a file name) beside it.
     */
    private static Path weightsFile(GoldenFile golden, VerifyOptions options) {
        Path m = options.model();
        if (m != null) {
            Path f = Files.isDirectory(m) ? m.resolve("model.safetensors") : m;
            if (!Files.isRegularFile(f)) {
                throw new F5jException("--model " + m + ": " + (Files.exists(m) ? "folder has no model.safetensors" : "no such model folder or file"));
            }
            if (Files.isDirectory(m)) requireFolderWeights(m, weights(golden), golden);
            return f;
        }
        Path f = golden.dir().resolve("model.safetensors");
        String named = golden.meta("checkpoint");
        if (!Files.isRegularFile(f) && named != null && Files.isRegularFile(golden.dir().resolve(named))) {
            f = golden.dir().resolve(named);
        }
        if (!Files.isRegularFile(f)) {
            throw new F5jException(golden.path() + ": no model beside it (" + f.getFileName()
                    + (named != null && !named.equals(f.getFileName().toString()) ? " or " + named : "") + "); pass --model DIR (a model folder or checkpoint)");
        }
        return f;
    }
}

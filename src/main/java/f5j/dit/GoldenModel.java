package f5j.dit;

import f5j.config.DitArch;
import f5j.golden.GoldenFile;
import f5j.golden.VerifyOptions;
import f5j.util.F5jException;
import f5j.weights.RawTensor;
import f5j.weights.SafeTensors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The DiT a golden F5 file was recorded with: the {@code arch} of its metadata and the EMA weights of the
 * {@code model.safetensors} beside it (or of {@link VerifyOptions#model()}: a model folder or a
 * .safetensors file). The last model built is kept, so verifying a folder loads it once.
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
        DiT dit;
        try (SafeTensors st = SafeTensors.open(file)) {
            dit = DiT.load(stateDict(st), arch, options.backend());
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
        if (!f.getFileName().toString().endsWith(".safetensors")) {
            throw new F5jException(f + ": golden replay reads .safetensors weights (convert the checkpoint first)");
        }
        return f;
    }

    /** A CFM state dict from a safetensors file: {@code ema_model.} stripped, EMA bookkeeping skipped. */
    public static Map<String, RawTensor> stateDict(SafeTensors st) {
        Map<String, RawTensor> sd = new LinkedHashMap<>();
        for (RawTensor t : st.tensors()) {
            String k = t.name();
            if (k.startsWith("ema_model.")) k = k.substring("ema_model.".length());
            if (k.equals("initted") || k.equals("step")) continue;
            sd.put(k, t);
        }
        return sd;
    }
}

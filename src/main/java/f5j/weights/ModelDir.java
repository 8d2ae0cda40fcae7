package f5j.weights;

import f5j.config.ModelConfig;
import f5j.util.F5jException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A converted model folder (what {@code ./f5j convert} writes): {@code model.safetensors} (the state dict
 * under CFM names), {@code model.yaml} (upstream config layout), {@code vocab.txt} and {@code provenance.json}.
 * Loading checks every tensor's shape against the config and vocab.
 */
public record ModelDir(Path dir, ModelConfig config, Map<String, RawTensor> stateDict, Path vocab, Path provenance) {
    public static final String MODEL = "model.safetensors", CONFIG = "model.yaml", VOCAB = "vocab.txt",
            PROVENANCE = "provenance.json";

    public static ModelDir load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new F5jException(dir + ": not a model folder (expected " + MODEL + ", " + CONFIG + " and " + VOCAB
                    + "; make one with ./f5j convert)");
        }
        for (String f : new String[] {MODEL, CONFIG, VOCAB}) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new F5jException(dir + ": model folder has no " + f + " (make one with ./f5j convert)");
            }
        }
        ModelConfig config = ModelConfig.load(dir.resolve(CONFIG));
        Path vocab = dir.resolve(VOCAB);
        // also a released model.safetensors (ema_model.* names), as the golden model folders hold
        Map<String, RawTensor> sd = new LinkedHashMap<>(Checkpoints.loadStateDict(dir.resolve(MODEL), Weights.EMA));
        int vocabSize = VocabFile.size(vocab);
        VocabFile.explainShapeError(vocab, () -> DitShapes.require(sd, config.arch(), vocabSize, config.melSpec().nMels(),
                dir.resolve(MODEL).toString(), dir.resolve(CONFIG).toString()));
        Path prov = dir.resolve(PROVENANCE);
        return new ModelDir(dir, config, Collections.unmodifiableMap(sd), vocab, Files.isRegularFile(prov) ? prov : null);
    }
}

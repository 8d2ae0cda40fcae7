package f5j.audit;

import f5j.audio.WavFile;
import f5j.compute.Backend;
import f5j.compute.Precision;
import f5j.config.ModelConfig;
import f5j.golden.GoldenFile;
import f5j.infer.SynthSettings;
import f5j.testing.Goldens;
import f5j.weights.Checkpoints;
import f5j.weights.RawTensor;
import f5j.weights.SafeTensors;
import f5j.weights.Weights;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Inputs for audit tests: the golden tiny models, a clean reference, crafted checkpoints and vocabs. */
final class AuditFixtures {
    static final String REF_TEXT = "O rato roeu a roupa do rei de Roma.";
    /**
     * Isolating texts for the crafted cases: the dataset row's text as the preparation stored it, and a text to
     * generate that makes inference's text the trainer's but for its last tokens, and (38 UTF-8 bytes against
     * the 37 of the fixed reference text, with an 87-frame reference) the byte-count duration equal to the
     * trainer's 2 x 88 frames.
     */
    static final String DATASET_TEXT = "O rato roeu a roupa do rei de Roma. ", GEN_TEXT = "O rato roeu a roupa do rei de Roma. Oi";

    private AuditFixtures() {}

    static Path model(String v, String file) { return Goldens.file("f5tts-tiny-" + v + "/" + file); }

    /** Audit options with the test defaults: 4 ODE steps, seed 7, trainer fp32, inference fp16, upstream's EMA recipe. */
    static Audit.Options options(Path checkpoint, String v, Path vocab, Path trainVocab, ModelConfig trainConfig,
                                 Path ref, String genText, String datasetText) {
        return options(checkpoint, v, vocab, trainVocab, trainConfig, ref, REF_TEXT, genText, datasetText);
    }

    static Audit.Options options(Path checkpoint, String v, Path vocab, Path trainVocab, ModelConfig trainConfig,
                                 Path ref, String refText, String genText, String datasetText) {
        return new Audit.Options(checkpoint, vocab, trainVocab, ModelConfig.load(model(v, "model.yaml")), trainConfig,
                model(v, "model.yaml").toString(), ref, refText, genText, datasetText, 7, Precision.FP32, Precision.FP16,
                new SynthSettings(4, 2.0, -1.0, 1.0, null, 0.1, 0.15, "euler"), EmaRecipe.UPSTREAM, null, Backend.cpu());
    }

    /** The crafted cases' inputs: clean reference, isolating texts, the golden vocab for the trainer. */
    static Audit.Options crafted(Path checkpoint, String v, Path vocab, ModelConfig trainConfig, Path dir) {
        return options(checkpoint, v, vocab, model(v, "vocab.txt"), trainConfig, cleanReference(dir), GEN_TEXT, DATASET_TEXT);
    }

    /**
     * A clean dataset clip that inference's preprocessing leaves exactly as it is: the golden's preprocessed
     * reference cut where the speech is loud (sample 21120, so no trailing silence under -42 dBFS is left to
     * trim), then 50 ms of digital silence (what preprocessing removes and appends again); rms above 0.1, so
     * inference does not raise its loudness. 22320 samples: 88 mel frames, 87 = samples // hop.
     */
    static Path cleanReference(Path dir) {
        try (GoldenFile g = GoldenFile.open(model("v1", "infer_24k.safetensors"))) {
            float[] pre = g.tensor("out/ref_preprocessed").data;
            float[] clip = java.util.Arrays.copyOf(java.util.Arrays.copyOf(pre, 21120), 21120 + 1200);
            Path wav = dir.resolve("clean_ref.wav");
            WavFile.write(wav, clip, 24000);
            return wav;
        }
    }

    /** The golden EMA weights, one tensor changed, as a release-style .safetensors (EMA only). */
    static Path craftedCheckpoint(Path dir, String v, String tensor, UnaryOperator<float[]> change) {
        Map<String, RawTensor> sd = Checkpoints.loadStateDict(model(v, "model.safetensors"), Weights.EMA);
        List<RawTensor> out = new ArrayList<>();
        for (Map.Entry<String, RawTensor> e : sd.entrySet()) {
            RawTensor t = e.getValue();
            if (e.getKey().equals(tensor)) {
                float[] f = change.apply(t.toFloats());
                t = new RawTensor(t.name(), f5j.tensor.DType.F32, t.shape(), MemorySegment.ofArray(f));
            }
            out.add(new RawTensor(e.getKey(), t.dtype(), t.shape(), t.data()));
        }
        Path file = dir.resolve("crafted.safetensors");
        SafeTensors.write(file, out, Map.of());
        return file;
    }
}

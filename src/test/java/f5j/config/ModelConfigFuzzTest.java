package f5j.config;

import com.code_intelligence.jazzer.junit.FuzzTest;
import f5j.testing.FuzzTargets;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Fuzz target for the model.yaml loader (YAML limits, then the strict arch/mel_spec values). */
class ModelConfigFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void modelYaml(byte[] data) throws Throwable {
        FuzzTargets.expectCleanOutcome(() -> ModelConfig.parse(new ByteArrayInputStream(data), "fuzz.yaml"));
    }

    /** Seeds: the tiny model's config and the hostile variants ModelConfigTest refuses. */
    static Map<String, byte[]> seeds() throws IOException {
        String tiny = Files.readString(Path.of("src/test/resources/goldens/f5tts-tiny-v1/model.yaml"));
        Map<String, String> s = new LinkedHashMap<>();
        s.put("tiny", tiny);
        s.put("dim-64.5", tiny.replace("dim: 64", "dim: 64.5"));
        s.put("depth-1e9", tiny.replace("depth: 2", "depth: 1000000000"));
        s.put("hop-0", tiny.replace("hop_length: 256", "hop_length: 0"));
        s.put("rate-negative", tiny.replace("target_sample_rate: 24000", "target_sample_rate: -24000"));
        StringBuilder bomb = new StringBuilder("a0: &a0 [x, x]\n");
        for (int i = 1; i < 12; i++) bomb.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        s.put("alias-bomb", bomb.toString());
        s.put("duplicate-keys", tiny + "model: 2\n");
        s.put("deep", "[".repeat(100));
        s.put("not-a-map", "- 1\n- 2\n");
        Map<String, byte[]> out = new LinkedHashMap<>();
        s.forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void seedCorpusIsInStepWithItsGenerator() throws IOException {
        FuzzTargets.checkCorpus(ModelConfigFuzzTest.class, "modelYaml", seeds());
    }
}

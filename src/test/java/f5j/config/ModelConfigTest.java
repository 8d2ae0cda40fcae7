package f5j.config;

import f5j.util.F5jException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** model.yaml is read strictly: wrong types and absurd sizes are refused, naming the key, before anything is sized. */
class ModelConfigTest {
    @TempDir Path tmp;

    private static final String ARCH = "    dim: 64\n    depth: 2\n    heads: 4\n    dim_head: 16\n    ff_mult: 2\n    text_dim: 32\n"
            + "    conv_layers: 2\n";
    private static final String MEL = "  mel_spec:\n    target_sample_rate: 24000\n    n_mel_channels: 100\n    hop_length: 256\n"
            + "    win_length: 1024\n    n_fft: 1024\n    mel_spec_type: vocos\n";

    private static ModelConfig parse(String yaml) {
        return ModelConfig.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "m.yaml");
    }

    private static String yaml(String arch, String mel) { return "model:\n  backbone: DiT\n  arch:\n" + arch + mel; }

    private static void refused(String yaml, String message) {
        assertThatThrownBy(() -> parse(yaml)).isInstanceOf(F5jException.class).hasMessage("m.yaml: " + message);
    }

    @Test
    void theBundledPresetsAndAWrittenConfigReadBack() {
        for (String p : new String[] {"F5TTS_v1_Base", "F5TTS_Base", "F5TTS_v1_Small", "F5TTS_Small"}) {
            ModelConfig c = ModelConfig.load(Path.of("conf", p + ".yaml"));
            assertThat(parse(c.toYaml())).isEqualTo(c);
        }
        assertThat(parse(yaml(ARCH, MEL)).arch().dim()).isEqualTo(64);
    }

    @Test
    void valuesOfTheWrongTypeOrOutOfRangeAreNamed() {
        refused(yaml(ARCH.replace("dim: 64", "dim: 64.5"), MEL), "model.arch.dim must be an integer, got 64.5");
        refused(yaml(ARCH.replace("depth: 2", "depth: 1000000000"), MEL), "model.arch.depth must be in 1..256, got 1000000000");
        refused(yaml(ARCH.replace("heads: 4", "heads: -4"), MEL), "model.arch.heads must be in 1..256, got -4");
        refused(yaml(ARCH.replace("dim: 64", "dim: '64'"), MEL), "model.arch.dim must be an integer, got '64'");
        refused(yaml(ARCH.replace("dim: 64", "dim: 99999999999999"), MEL), "model.arch.dim must be an integer, got 99999999999999");
        refused(yaml(ARCH + "    text_mask_padding: 3\n", MEL), "model.arch.text_mask_padding must be true or false, got 3");
        refused(yaml(ARCH + "    pe_attn_head: 9\n", MEL), "model.arch.pe_attn_head must be in 0..4, got 9");
        refused(yaml(ARCH + "    qk_norm: layer_norm\n", MEL), "model.arch.qk_norm must be null or rms_norm, got 'layer_norm'");
        refused(yaml(ARCH.replace("    dim: 64\n", ""), MEL), "model.arch.dim is missing");
        refused(yaml(ARCH, MEL.replace("hop_length: 256", "hop_length: 0")), "model.mel_spec.hop_length must be in 1..1024, got 0");
        refused(yaml(ARCH, MEL.replace("target_sample_rate: 24000", "target_sample_rate: -24000")),
                "model.mel_spec.target_sample_rate must be in 1000..384000, got -24000");
        refused(yaml(ARCH, MEL.replace("mel_spec_type: vocos", "mel_spec_type: hifigan")),
                "model.mel_spec.mel_spec_type must be one of vocos, bigvgan, got 'hifigan'");
        refused(yaml(ARCH, "  mel_spec: 3\n"), "'model.mel_spec' is not a mapping");
    }

    @Test
    void hostileYamlIsCheap() throws Exception {
        // An alias bomb (each level doubles), a 50 MB scalar, deep nesting, duplicate keys: refused quickly.
        StringBuilder bomb = new StringBuilder("a0: &a0 [x, x]\n");
        for (int i = 1; i < 40; i++) bomb.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> parse(bomb.toString()))
                .isInstanceOf(F5jException.class).hasMessageStartingWith("m.yaml: not valid YAML (Number of aliases for non-scalar nodes exceeds"));
        assertThatThrownBy(() -> parse("[".repeat(10_000))).isInstanceOf(F5jException.class).hasMessageStartingWith("m.yaml: not valid YAML (");
        assertThatThrownBy(() -> parse("model: 1\nmodel: 2\n")).isInstanceOf(F5jException.class).hasMessageContaining("duplicate key model");

        Path big = tmp.resolve("big.yaml");
        try (var w = Files.newBufferedWriter(big)) {
            w.write("model: ");
            String chunk = "x".repeat(1 << 16);
            for (int i = 0; i < 800; i++) w.write(chunk);
        }
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> ModelConfig.load(big))
                .isInstanceOf(F5jException.class).hasMessage(big + ": 52428807 bytes, too large for a model config (at most 1048576)"));
        String scalar = "model: " + "x".repeat(2 << 20);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(() -> parse(scalar))
                .isInstanceOf(F5jException.class).hasMessageStartingWith("m.yaml: not valid YAML (The incoming YAML document exceeds the limit"));
    }

    @Test
    void goldenArchJsonIsReadAsStrictly() {
        assertThat(DitArch.fromJson("{\"dim\":64,\"depth\":2,\"heads\":4,\"dim_head\":16}", "g").dim()).isEqualTo(64);
        assertThatThrownBy(() -> DitArch.fromJson("{\"dim\":64.5,\"depth\":2}", "g")).isInstanceOf(F5jException.class)
                .hasMessage("g: model.arch.dim must be an integer, got 64.5");
        assertThatThrownBy(() -> DitArch.fromJson("[1]", "g")).isInstanceOf(F5jException.class).hasMessageStartingWith("g: not a JSON object");
    }
}

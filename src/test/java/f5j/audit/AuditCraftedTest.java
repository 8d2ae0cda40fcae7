package f5j.audit;

import f5j.config.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Inputs crafted to show one cause each; the audit must name that cause first. All use a clean reference
 * and texts that make the reference and duration factors vanish (so what remains is the crafted cause, the
 * fp16 rounding and the last tokens of the text).
 */
class AuditCraftedTest {
    @TempDir
    static Path dir;

    private static AuditReport audit(Audit.Options o) { return Audit.run(o, s -> { }); }

    private static double effect(AuditReport r, String factor) {
        return r.factors.stream().filter(f -> f.factor().equals(factor)).findFirst().orElseThrow().effect();
    }

    @Test
    void vocabMissingCharactersIsNamedTokens() throws Exception {
        // inference's vocab.txt lost the vowels (same size, so the model still loads): each vowel reads as id 0
        List<String> lines = Files.readAllLines(AuditFixtures.model("v1", "vocab.txt"), StandardCharsets.UTF_8);
        Set<String> vowels = Set.of("a", "e", "i", "o", "u");
        for (int i = 0; i < lines.size(); i++) if (vowels.contains(lines.get(i))) lines.set(i, "\u2400" + i);
        Path broken = dir.resolve("vocab_missing.txt");
        Files.write(broken, lines, StandardCharsets.UTF_8);
        Path ck = AuditFixtures.model("v1", "model.safetensors");

        AuditReport r = audit(AuditFixtures.crafted(ck, "v1", broken, null, dir));
        AuditReport good = audit(AuditFixtures.crafted(ck, "v1", AuditFixtures.model("v1", "vocab.txt"), null, dir));

        assertThat(effect(r, "reference")).isZero();
        assertThat(effect(r, "duration")).isZero();
        assertThat(r.tokens.unknownChars()).containsExactlyInAnyOrder("o", "a", "u", "e", "i");
        assertThat(r.causes.getFirst().factor()).isEqualTo("tokens");
        assertThat(r.causes.getFirst().detail()).contains("not in the vocab", "'a'");
        // the first unknown character is the first divergence: "O r|a|to"
        assertThat(r.firstDivergence).isEqualTo(new AuditReport.Divergence("tokens", "position 3"));
        assertThat(good.tokens.unknownChars()).isEmpty();
        assertThat(effect(r, "tokens")).isGreaterThan(effect(good, "tokens"));
    }

    @Test
    void activationsBeyondFp16AreNamedPrecision() {
        // the first feed-forward layer scaled so its outputs exceed 65504: fine in fp32, inf in fp16
        Path ck = AuditFixtures.craftedCheckpoint(dir, "v1", "transformer.transformer_blocks.0.ff.ff.0.0.weight", w -> {
            for (int i = 0; i < w.length; i++) w[i] *= 3e4f;
            return w;
        });
        AuditReport r = audit(AuditFixtures.crafted(ck, "v1", AuditFixtures.model("v1", "vocab.txt"), null, dir));
        assertThat(r.causes.getFirst().factor()).isEqualTo("precision");
        assertThat(r.causes.getFirst().effect()).isInfinite();
        assertThat(r.precision.totalOverflow()).isPositive();
        assertThat(r.precision.firstLayerOverTolerance()).isEqualTo("transformer_blocks.0.ff.ff.0.0#0");
        AuditReport.LayerPrecision ff = r.precision.layers().stream()
                .filter(l -> l.layer().equals("transformer_blocks.0.ff.ff.0.0#0")).findFirst().orElseThrow();
        assertThat(ff.maxAbsFp32()).isGreaterThan(65504);
        assertThat(ff.inf()).isPositive();
        // the layers before it stay within fp16's rounding
        assertThat(r.precision.layers().getFirst().inf() + r.precision.layers().getFirst().nan()).isZero();
    }

    @Test
    void wrongPeAttnHeadIsNamedArchitecture() {
        // a v0 model (trained with pe_attn_head 1, text_mask_padding false) run at inference with the v1 config
        ModelConfig v0 = ModelConfig.load(AuditFixtures.model("v0", "model.yaml"));
        AuditReport r = audit(AuditFixtures.crafted(AuditFixtures.model("v0", "model.safetensors"), "v1",
                AuditFixtures.model("v0", "vocab.txt"), v0, dir));
        assertThat(r.causes.getFirst().factor()).isEqualTo("architecture");
        assertThat(r.causes.getFirst().detail()).contains("pe_attn_head=1", "pe_attn_head=null");
        assertThat(r.architecture.trainArch()).contains("(v0)");
    }
}

package f5j.audit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** A vocab that lost characters of the texts (same size, so the model still loads): the vocab check names them. */
class AuditCraftedTest {
    @TempDir
    static Path dir;

    @Test
    void vocabMissingCharactersOfTheTextIsVocab() throws Exception {
        // inference's vocab.txt lost the vowels (same size): each vowel reads as id 0
        List<String> lines = Files.readAllLines(AuditFixtures.model("v1", "vocab.txt"), StandardCharsets.UTF_8);
        Set<String> vowels = Set.of("a", "e", "i", "o", "u");
        for (int i = 0; i < lines.size(); i++) if (vowels.contains(lines.get(i))) lines.set(i, "\u2400" + i);
        Path broken = dir.resolve("vocab_missing.txt");
        Files.write(broken, lines, StandardCharsets.UTF_8);
        Path ck = AuditFixtures.model("v1", "model.safetensors");

        AuditReport r = Audit.run(AuditFixtures.crafted(ck, "v1", broken, null, dir), s -> { });
        AuditReport good = Audit.run(AuditFixtures.crafted(ck, "v1", AuditFixtures.model("v1", "vocab.txt"), null, dir), s -> { });

        assertThat(r.tokens.unknownChars()).containsExactlyInAnyOrder("o", "a", "u", "e", "i");
        assertThat(r.verdict.cause()).isEqualTo("vocab");
        assertThat(r.verdict.summary()).contains("not in vocab_missing.txt", "'a'");
        assertThat(good.tokens.unknownChars()).isEmpty();
        assertThat(good.verdict.cause()).isNull();
        // the same fault measured: the tokens factor moves the output more with the broken vocab
        double bad = r.factors.stream().filter(f -> f.factor().equals("tokens")).findFirst().orElseThrow().finalEffect();
        double ok = good.factors.stream().filter(f -> f.factor().equals("tokens")).findFirst().orElseThrow().finalEffect();
        assertThat(bad).isGreaterThan(ok);
    }
}

package f5j.audit;

import f5j.compute.Precision;
import f5j.config.ModelConfig;
import f5j.infer.SynthSettings;
import f5j.compute.Backend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit on a tiny model that has learned (src/test/resources/audit-fixture, written by
 * tools/train_fixture.py): a fine-tune whose EMA is still mostly the pretrained weights. The direct check,
 * the trainer's own loss and the like-for-like run must all point at the weights.
 */
class AuditTrainedFixtureTest {
    static AuditReport r;

    static Path file(String name) {
        try {
            return Path.of(AuditTrainedFixtureTest.class.getResource("/audit-fixture/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void audit() {
        String text = "O rato roeu a roupa do rei de Roma.";
        ModelConfig cfg = ModelConfig.load(file("model.yaml"));
        r = Audit.run(new Audit.Options(file("model.pt"), file("vocab.txt"), file("vocab.txt"), cfg, cfg, "model.yaml",
                file("ref.wav"), text, text, text, 0, Precision.FP32, Precision.FP16,
                new SynthSettings(8, 2.0, -1.0, 1.0, null, 0.1, 0.15, "euler"), EmaRecipe.UPSTREAM, null, Backend.cpu()), s -> { });
    }

    @Test
    void theFineTunesEmaIsTheCause() {
        assertThat(r.verdict.cause()).isEqualTo("weights");
        assertThat(r.weights.emaStep()).isEqualTo(1700);
        assertThat(r.weights.update()).isEqualTo(500);
        assertThat(r.weights.startShare()).isEqualTo(EmaRecipe.UPSTREAM.startShare(1700, 500)).isBetween(0.5, 1.0);
        assertThat(r.verdict.summary()).contains("a fine-tune whose EMA started at step 1200");
        assertThat(r.verdict.fix()).contains("use_ema=False");
    }

    @Test
    void theTrainersLossAndTheTrainingRowAgree() {
        AuditReport.LossVariant w = r.lossProbe.stream().filter(v -> v.factor().equals("weights")).findFirst().orElseThrow();
        assertThat(w.inferLoss()).as("the EMA fits the row worse than the online weights").isGreaterThan(w.trainLoss());
        assertThat(w.meanDifference()).isGreaterThan(3 * w.differenceSpread() / Math.sqrt(w.draws()));
        assertThat(r.likeForLike.rows()).hasSize(3);
        double trainer = r.likeForLike.rows().get(0).relError(), inference = r.likeForLike.rows().get(1).relError(),
                online = r.likeForLike.rows().get(2).relError();
        assertThat(inference).as("inference does not reproduce the row as the trainer path does").isGreaterThan(trainer);
        assertThat(online).as("the online weights fix it").isLessThan(inference);
        assertThat(trainer).as("the trainer path beats a constant spectrum").isLessThan(r.likeForLike.constantSpectrumError());
    }
}

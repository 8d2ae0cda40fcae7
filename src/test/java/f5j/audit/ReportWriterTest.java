package f5j.audit;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import f5j.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReportWriterTest {
    static AuditReport sample() {
        AuditReport r = new AuditReport();
        r.inputs.put("checkpoint", "model_2.pt");
        List<AuditReport.LayerDiff> layers = List.of(new AuditReport.LayerDiff("time_embed#0", 0, 0),
                new AuditReport.LayerDiff("transformer_blocks.0.attn#0", 0.01, 0.1), new AuditReport.LayerDiff("proj_out#0", 0.5, 1.25));
        r.layers.addAll(layers);
        r.layerNoiseFloor = List.of(new AuditReport.LayerDiff("time_embed#0", 0, 0), new AuditReport.LayerDiff("proj_out#0", 0.2, 0.4));
        r.noiseFloor = new AuditReport.NoiseFloor(7, 8, 10, 30, 0.8, 0.1);
        r.findings.add(new AuditReport.Finding("precision: range", "precision", AuditReport.CAUSE, "3 activations beyond fp16 in <ff>", "fp32"));
        r.findings.add(new AuditReport.Finding("tokens: trainer's sample text", "tokens", AuditReport.BY_DESIGN, "text twice", ""));
        r.findings.add(new AuditReport.Finding("vocab: same as training", "vocab", AuditReport.UNKNOWN, "no training vocab", "--train-vocab"));
        r.factors.add(new AuditReport.FactorEffect("precision", Double.POSITIVE_INFINITY, Double.NaN, 10, 30, "fp16 overflow", "proj_out#0", layers));
        r.factors.add(new AuditReport.FactorEffect("tokens", 0.25, 0.5, 10, 30, "'x' not in <vocab>", null, layers));
        Findings.rankCauses(r);
        r.verdict = Findings.verdict(r);
        r.tokens = new AuditReport.TokensStage("ab ab", "ab x", List.of("a", "b", " ", "a", "b"), List.of("a", "b", " ", "x"),
                new long[]{1, 2, 0, 1, 2}, new long[]{1, 2, 0, 0}, List.of("x"), 0, false, "ab", "ab",
                Checks.alignWords("ab cd", "ab c d"));
        float[] m = new float[40 * 100];
        for (int i = 0; i < m.length; i++) m[i] = (float) Math.sin(i * 0.01);
        r.trainMel = new Tensor(m, 1, 40, 100);
        r.inferMel = new Tensor(m.clone(), 1, 40, 100);
        r.inferMel.data[5] = Float.NaN;
        return r;
    }

    @Test
    void jsonHasVerdictFindingsAndCausesWithNoiseFloorAndNoBareNullForNonFinite(@TempDir Path dir) throws Exception {
        AuditReport r = sample();
        ReportWriter.write(r, dir);
        JsonObject j = JsonParser.parseString(Files.readString(dir.resolve("report.json"))).getAsJsonObject();
        assertThat(j.getAsJsonObject("verdict").get("cause").getAsString()).isEqualTo("precision");
        assertThat(j.getAsJsonArray("findings")).hasSize(3);
        var causes = j.getAsJsonArray("causes");
        JsonObject first = causes.get(0).getAsJsonObject();
        assertThat(first.get("factor").getAsString()).isEqualTo("precision");
        assertThat(first.get("effect").isJsonNull()).as("infinite effect -> null").isTrue();
        assertThat(first.get("nonfinite").getAsString()).as("... with its reason beside it").isEqualTo("nan");
        assertThat(first.get("final_noise_floor").getAsDouble()).isEqualTo(0.1);
        JsonObject tokens = causes.get(1).getAsJsonObject();
        assertThat(tokens.get("status").getAsString()).as("a by-design factor is a baseline").isEqualTo("by-design");
        assertThat(tokens.get("first_layer").isJsonNull()).isTrue();
        assertThat(j.getAsJsonObject("tokens").getAsJsonArray("words").get(1).getAsJsonObject().get("status").getAsString()).isEqualTo("split");
        assertThat(j.has("train_mel")).as("mels are for the pictures only").isFalse();
    }

    @Test
    void htmlHasVerdictOnTopChecklistFoldedDetailsAndChartWithBlocksAndNoiseFloor(@TempDir Path dir) throws Exception {
        ReportWriter.write(sample(), dir);
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("id=\"verdict\"", "id=\"checklist\"", "❌", "ⓘ", "?", "<details>", "data:image/png;base64,",
                "<svg id=\"layer-chart\"", "id=\"tokens\"", "id=\"causes\"", "&lt;vocab&gt;", "block 0", "noise floor (seed +1)");
        assertThat(html.indexOf("id=\"verdict\"")).isLessThan(html.indexOf("id=\"checklist\"")).isLessThan(html.indexOf("<details>"));
        assertThat(html).doesNotContain("src=\"http", "href=\"http");
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("report.json", "report.html");
    }
}

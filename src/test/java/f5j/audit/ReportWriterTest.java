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
                new AuditReport.LayerDiff("proj_out#0", 0.5, 1.25));
        r.layers.addAll(layers);
        r.factors.add(new AuditReport.FactorEffect("precision", Double.POSITIVE_INFINITY, "fp16 overflow", "proj_out#0", layers));
        r.factors.add(new AuditReport.FactorEffect("tokens", 0.25, "'x' not in <vocab>", null, layers));
        Findings.rankCauses(r);
        r.firstDivergence = new AuditReport.Divergence("dit", "proj_out#0");
        r.tokens = Findings.tokensStage("ab ab", "ab x", List.of("a", "b", " ", "a", "b"), List.of("a", "b", " ", "x"),
                new long[]{1, 2, 0, 1, 2}, new long[]{1, 2, 0, 0});
        float[] m = new float[40 * 100];
        for (int i = 0; i < m.length; i++) m[i] = (float) Math.sin(i * 0.01);
        r.trainMel = new Tensor(m, 1, 40, 100);
        r.inferMel = new Tensor(m.clone(), 1, 40, 100);
        r.inferMel.data[5] = Float.NaN;
        return r;
    }

    @Test
    void jsonHasRankedCausesSnakeCaseAndNoNonFiniteNumbers(@TempDir Path dir) throws Exception {
        AuditReport r = sample();
        ReportWriter.write(r, dir);
        JsonObject j = JsonParser.parseString(Files.readString(dir.resolve("report.json"))).getAsJsonObject();
        var causes = j.getAsJsonArray("causes");
        assertThat(causes.get(0).getAsJsonObject().get("factor").getAsString()).isEqualTo("precision");
        assertThat(causes.get(0).getAsJsonObject().get("effect").isJsonNull()).as("infinite effect -> null").isTrue();
        assertThat(causes.get(1).getAsJsonObject().get("effect").getAsDouble()).isEqualTo(0.25);
        assertThat(j.getAsJsonObject("first_divergence").get("layer").getAsString()).isEqualTo("proj_out#0");
        assertThat(j.getAsJsonObject("tokens").getAsJsonArray("unknown_chars").get(0).getAsString()).isEqualTo("x");
        assertThat(j.has("train_mel")).as("mels are for the pictures only").isFalse();
    }

    @Test
    void htmlIsSelfContainedWithPicturesChartAndTables(@TempDir Path dir) throws Exception {
        ReportWriter.write(sample(), dir);
        String html = Files.readString(dir.resolve("report.html"));
        assertThat(html).contains("id=\"mel-train\"", "id=\"mel-infer\"", "id=\"mel-diff\"", "data:image/png;base64,",
                "<svg id=\"layer-chart\"", "id=\"tokens\"", "id=\"causes\"", "&lt;vocab&gt;");
        assertThat(html).doesNotContain("src=\"http", "href=\"http");
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("report.json", "report.html");
    }
}

package f5j.audit;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import f5j.text.PinyinConverter;
import f5j.text.Vocab;
import f5j.weights.Checkpoints;
import f5j.weights.RawTensor;
import f5j.weights.Weights;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The audit on the golden trainer checkpoint model_2.pt (online and EMA weights differ after two updates)
 * with the golden 24 kHz reference: the report's numbers against independent computations, and the HTML
 * page rendered in headless Chromium.
 */
class AuditGoldenTest {
    static final String GEN = "Olá, tudo bem? Eu sou uma voz sintética.";
    @TempDir
    static Path dir;
    static AuditReport report;
    static JsonObject json;

    @BeforeAll
    static void audit() throws Exception {
        Audit.Options o = AuditFixtures.options(AuditFixtures.model("v1", "model_2.pt"), "v1",
                AuditFixtures.model("v1", "vocab.txt"), null, null, f5j.testing.Goldens.file("audio/ref_24k_mono.wav"), GEN, null);
        report = Audit.run(o, s -> { });
        ReportWriter.write(report, dir);
        json = JsonParser.parseString(Files.readString(dir.resolve("report.json"))).getAsJsonObject();
    }

    @Test
    void weightsStageMeasuresOnlineAgainstEma() {
        Map<String, RawTensor> ema = Checkpoints.loadStateDict(AuditFixtures.model("v1", "model_2.pt"), Weights.EMA);
        Map<String, RawTensor> online = Checkpoints.loadStateDict(AuditFixtures.model("v1", "model_2.pt"), Weights.ONLINE);
        double d2 = 0, o2 = 0;
        for (String k : ema.keySet()) {
            float[] a = online.get(k).toFloats(), b = ema.get(k).toFloats();
            for (int i = 0; i < a.length; i++) {
                d2 += ((double) b[i] - a[i]) * ((double) b[i] - a[i]);
                o2 += (double) a[i] * a[i];
            }
        }
        JsonObject w = json.getAsJsonObject("weights");
        assertThat(w.get("online_available").getAsBoolean()).isTrue();
        assertThat(w.get("ema_step").getAsLong()).isEqualTo(2);
        assertThat(w.get("update").getAsLong()).isEqualTo(2);
        assertThat(w.get("ema_initted").getAsBoolean()).isTrue();
        // from scratch: ema_pytorch's first update() copied the online weights, so none of the initial ones are left
        assertThat(w.get("start_share").getAsDouble()).isZero();
        assertThat(w.get("rel_diff").getAsDouble()).isPositive().isCloseTo(Math.sqrt(d2 / o2), within(1e-9));
        assertThat(w.getAsJsonArray("drift")).hasSize(ema.size());
        assertThat(w.getAsJsonArray("missing")).isEmpty();
        assertThat(finding("weights: EMA vs online").get("status").getAsString()).isEqualTo("ok");
    }

    static JsonObject finding(String check) {
        for (var f : json.getAsJsonArray("findings")) if (f.getAsJsonObject().get("check").getAsString().equals(check)) return f.getAsJsonObject();
        throw new AssertionError("no finding " + check);
    }

    @Test
    void causesCarryTheirNoiseFloorAndByDesignFactorsAreABaseline() {
        JsonArray causes = json.getAsJsonArray("causes");
        List<String> factors = new ArrayList<>();
        double floor = json.getAsJsonObject("noise_floor").get("final_mel").getAsDouble();
        assertThat(floor).isPositive();
        for (var c : causes) {
            JsonObject o = c.getAsJsonObject();
            String f = o.get("factor").getAsString();
            factors.add(f);
            assertThat(o.get("final_noise_floor").getAsDouble()).isEqualTo(floor);
            assertThat(o.get("ratio").getAsDouble()).isCloseTo(o.get("final_effect").getAsDouble() / floor, within(1e-12));
            assertThat(o.get("nonfinite").getAsString()).isEqualTo("none");
            if (List.of("tokens", "reference", "duration").contains(f)) assertThat(o.get("status").getAsString()).isEqualTo("by-design");
        }
        assertThat(factors).containsExactlyInAnyOrder("weights", "tokens", "reference", "duration", "precision");
        // nothing planted in the golden checkpoint: no cause, the checks that lack inputs say so
        assertThat(json.getAsJsonObject("verdict").get("cause").isJsonNull()).isTrue();
        assertThat(finding("architecture: flags").get("status").getAsString()).isEqualTo("unknown");
        assertThat(finding("vocab: same as training").get("status").getAsString()).isEqualTo("unknown");
        double weights = report.factors.stream().filter(f -> f.factor().equals("weights")).findFirst().orElseThrow().effect();
        assertThat(weights).as("EMA and online weights differ, so switching them moves the output").isGreaterThan(1e-6);
    }

    @Test
    void tokensAreBothPathsTexts() {
        Vocab v = Vocab.load(AuditFixtures.model("v1", "vocab.txt"));
        List<String> ds = PinyinConverter.convert(AuditFixtures.REF_TEXT);
        List<String> train = new ArrayList<>(ds);
        train.add(" ");
        train.addAll(ds);
        // preprocess_ref_audio_text makes it end in ". ", infer_batch_process adds a space after a 1-byte last char
        List<String> infer = PinyinConverter.convert(AuditFixtures.REF_TEXT + "  " + GEN);
        assertThat(report.tokens.trainIds()).containsExactly(v.ids(train));
        assertThat(report.tokens.inferIds()).containsExactly(v.ids(infer));
        assertThat(json.getAsJsonObject("tokens").getAsJsonArray("train_ids")).hasSize(train.size());
        assertThat(report.tokens.unknownChars()).isEmpty();
        // convert_char_to_pinyin splits "sintética" after the é
        assertThat(report.tokens.insertedSpaces()).isEqualTo(1);
        assertThat(report.tokens.words()).allMatch(w -> w.status().equals("same")); // no dataset text: both are convert_char_to_pinyin
    }

    @Test
    void conditioningCountsFramesAsEachPath() {
        JsonObject c = json.getAsJsonObject("conditioning");
        int samples = f5j.audio.WavFile.read(f5j.testing.Goldens.file("audio/ref_24k_mono.wav")).frames();
        int trainFrames = samples / 256 + 1; // centred STFT
        int inferFrames;
        try (var g = f5j.golden.GoldenFile.open(AuditFixtures.model("v1", "infer_24k.safetensors"))) {
            inferFrames = g.tensor("out/ref_preprocessed").dim(1) / 256;
        }
        assertThat(c.get("train_ref_frames").getAsInt()).isEqualTo(trainFrames);
        assertThat(c.get("infer_ref_frames").getAsInt()).isEqualTo(inferFrames);
        assertThat(c.get("train_duration").getAsInt()).isEqualTo(2 * trainFrames);
        int refBytes = (AuditFixtures.REF_TEXT + "  ").getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        int genBytes = GEN.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertThat(c.get("infer_duration").getAsInt()).isEqualTo(inferFrames + (int) ((double) inferFrames / refBytes * genBytes));
        assertThat(c.get("ref_seconds").getAsDouble()).isCloseTo(samples / 24000.0, within(1e-9));
        JsonObject f = json.getAsJsonObject("final_output");
        assertThat(f.get("train_frames").getAsInt()).isEqualTo(trainFrames);
        assertThat(f.get("infer_frames").getAsInt()).isEqualTo(c.get("infer_duration").getAsInt() - inferFrames);
    }

    @Test
    void precisionStageIsFp16WithoutOverflowOnTheGoldenModel() {
        JsonObject p = json.getAsJsonObject("precision");
        assertThat(p.get("infer_precision").getAsString()).isEqualTo("fp16");
        assertThat(p.get("total_overflow").getAsLong()).isZero();
        double precision = report.factors.stream().filter(x -> x.factor().equals("precision")).findFirst().orElseThrow().effect();
        // fp16 keeps about three decimal digits: a visible but small change
        assertThat(precision).isBetween(1e-5, 1e-1);
        assertThat(json.getAsJsonObject("architecture").get("alternative").getAsString()).contains("(v0)");
    }

    @Test
    void pageHoldsThePicturesOfBothPaths() throws Exception {
        assertThat(dir.resolve("report.html")).content().contains("id=\"verdict\"", "id=\"checklist\"", "id=\"mel-train\"",
                "id=\"mel-infer\"", "id=\"mel-diff\"", "id=\"ref-train\"", "id=\"ref-infer\"", "<svg id=\"layer-chart\"",
                "id=\"weights\"", "id=\"precision\"", "id=\"loss-probe\"", "id=\"like-for-like\"", "block 1");
    }

    @Test
    void reportPageRendersInHeadlessChromium() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assumeTrue(Files.isExecutable(chromium), "chromium is not installed");
        Path png = dir.resolve("report.png");
        Path profile = Files.createTempDirectory("f5j-chromium");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--screenshot=" + png, "--window-size=1280,2000",
                dir.resolve("report.html").toUri().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(png).exists();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(1280);
        Set<Integer> colours = new HashSet<>();
        long nonWhite = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                if (rgb != 0xffffff) nonWhite++;
            }
        }
        // the spectrogram pictures alone bring hundreds of colours; a blank or error page has a handful
        assertThat(colours.size()).isGreaterThan(200);
        assertThat(nonWhite).isGreaterThan(img.getWidth() * img.getHeight() / 40);
        Files.copy(png, Path.of("target", "audit-report-screenshot.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}

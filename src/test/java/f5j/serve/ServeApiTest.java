package f5j.serve;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import f5j.audio.WavFile;
import f5j.cli.Main;
import f5j.infer.Reference;
import f5j.util.F5jException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static f5j.serve.ServeFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP API end to end on an ephemeral loopback port, against the tiny golden model and ./f5j synth. */
class ServeApiTest {
    @TempDir static Path dir;
    static F5jServer server;
    static final long MAX_UPLOAD = 2 << 20;

    @BeforeAll
    static void start() throws Exception {
        Path ckpts = Files.createDirectories(dir.resolve("ckpts"));
        Files.copy(MODEL.resolve("model_2.pt"), ckpts.resolve("model_2.pt"));
        server = ServeFixture.start(options(voices(dir), ckpts, dir.resolve("work"), 8, Duration.ofMinutes(3), MAX_UPLOAD));
    }

    @AfterAll
    static void stop() { if (server != null) server.close(); }

    @AfterEach
    void noHook() { server.beforeChunk = i -> { }; }

    /** What ./f5j synth writes for these inputs. */
    private static byte[] cli(String text, String... options) throws Exception {
        Path out = Files.createTempFile(dir, "cli", ".wav");
        List<String> a = new ArrayList<>(List.of("synth", "--model", MODEL.toString(), "--vocoder", VOCODER.toString(),
                "--ref-audio", REF.toString(), "--ref-text", REF_TEXT, "--text", text, "--out", out.toString()));
        a.addAll(List.of(options));
        PrintStream err = System.err;
        try {
            System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            assertThat(Main.execute(a.toArray(String[]::new))).isZero();
        } finally {
            System.setErr(err);
        }
        return Files.readAllBytes(out);
    }

    /** Every plain file under the work folder except finished audit reports. */
    private static List<Path> workFiles() throws Exception {
        try (Stream<Path> s = Files.walk(server.work())) {
            return s.filter(Files::isRegularFile).filter(p -> !p.startsWith(server.work().resolve("audits"))).toList();
        }
    }

    @Test
    void synthIsByteForByteTheFileTheCliWrites() throws Exception {
        byte[] ref = Files.readAllBytes(REF);
        byte[] expected = cli("Olá, tudo bem?", "--nfe", "4", "--seed", "7");

        HttpResponse<byte[]> json = postJson(server, "/v1/synth", synthJson("Olá, tudo bem?", ref, REF_TEXT, opts("nfe", 4, "seed", 7)));
        assertThat(json.statusCode()).as(new String(json.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(json.headers().firstValue("Content-Type")).hasValue("audio/wav");
        assertThat(json.headers().firstValue("X-F5j-Seed")).hasValue("7");
        assertThat(json.body()).isEqualTo(expected);

        Multipart m = Multipart.of(Map.of("text", "Olá, tudo bem?", "ref_text", REF_TEXT, "nfe", "4", "seed", "7"),
                Map.of("ref_audio", Map.entry("ref.wav", ref)));
        assertThat(postMultipart(server, "/v1/synth", m).body()).as("multipart upload").isEqualTo(expected);

        HttpResponse<byte[]> voice = postJson(server, "/v1/synth", "{\"text\":\"Olá, tudo bem?\",\"voice\":\"ref\",\"nfe\":4,\"seed\":7}");
        assertThat(voice.body()).as("server-side voice").isEqualTo(expected);
    }

    @Test
    void everySynthOptionMeansWhatTheCliFlagMeans() throws Exception {
        byte[] expected = cli(LONG_TEXT, "--nfe", "2", "--seed", "11", "--cfg", "1.5", "--sway", "-0.5", "--speed", "1.2",
                "--cross-fade", "0.3", "--target-rms", "0.2", "--fix-duration", "9");
        HttpResponse<byte[]> r = postJson(server, "/v1/synth", synthJson(LONG_TEXT, Files.readAllBytes(REF), REF_TEXT,
                opts("nfe", 2, "seed", 11, "cfg", 1.5, "sway", -0.5, "speed", 1.2, "cross_fade", 0.3, "target_rms", 0.2,
                        "fix_duration", 9)));
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.body()).isEqualTo(expected);
    }

    private record Event(String name, JsonObject data) {}

    private static Event next(BufferedReader in) throws Exception {
        String name = null, data = null;
        for (String line; (line = in.readLine()) != null; ) {
            if (line.isEmpty() && name != null) return new Event(name, JsonParser.parseString(data).getAsJsonObject());
            if (line.startsWith("event: ")) name = line.substring(7);
            if (line.startsWith("data: ")) data = line.substring(6);
        }
        return null;
    }

    @Test
    void streamSendsTheFirstChunkBeforeTheLastIsComputedAndJoinsThemAsTheBatchDoes() throws Exception {
        CountDownLatch lastMayStart = new CountDownLatch(1);
        server.beforeChunk = i -> {
            if (i == 1) {
                try {
                    lastMayStart.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(server.uri().resolve("/v1/synth/stream"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        synthJson(LONG_TEXT, null, null, opts("voice", "ref", "nfe", 2, "seed", 5)))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        assertThat(Long.parseLong(r.headers().firstValue("X-F5j-Time-To-First-Audio-Ms").orElseThrow())).isPositive();
        ByteArrayOutputStream samples = new ByteArrayOutputStream();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            Event first = next(in);
            assertThat(first.name()).isEqualTo("audio");
            assertThat(first.data().get("chunks").getAsInt()).as("the text is cut into several chunks").isGreaterThanOrEqualTo(2);
            assertThat(lastMayStart.getCount()).as("first audio arrived while the last chunk was held back").isEqualTo(1);
            samples.write(Base64.getDecoder().decode(first.data().get("f32le_base64").getAsString()));
            lastMayStart.countDown();
            Event e;
            while ((e = next(in)) != null && e.name().equals("audio")) {
                samples.write(Base64.getDecoder().decode(e.data().get("f32le_base64").getAsString()));
            }
            assertThat(e).isNotNull();
            assertThat(e.name()).isEqualTo("done");
            assertThat(e.data().get("time_to_first_audio_ms").getAsLong()).isPositive();
            assertThat(Base64.getDecoder().decode(e.data().get("mel_png_base64").getAsString())).startsWith(0x89, 'P', 'N', 'G');
        }
        // the streamed samples, written as synth writes its WAV, are the CLI's file: same chunks, same cross-fades
        float[] wave = new float[samples.size() / 4];
        ByteBuffer.wrap(samples.toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(wave);
        Path streamed = dir.resolve("streamed.wav");
        WavFile.write(streamed, wave, 24000);
        assertThat(Files.readAllBytes(streamed)).isEqualTo(cli(LONG_TEXT, "--nfe", "2", "--seed", "5"));
        assertThat(LOG.toString(StandardCharsets.UTF_8)).contains("time to first audio");
    }

    @Test
    void aFullQueueAnswers503() throws Exception {
        CountDownLatch running = new CountDownLatch(1), release = new CountDownLatch(1);
        Jobs jobs = server.jobs();
        try {
            jobs.submit("block-running", Duration.ofMinutes(1), j -> {
                running.countDown();
                return release.await(60, TimeUnit.SECONDS);
            });
            assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < jobs.capacity(); i++) jobs.submit("block-" + i, Duration.ofMinutes(1), j -> release.await(60, TimeUnit.SECONDS));
            HttpResponse<byte[]> r = postJson(server, "/v1/synth", "{\"text\":\"Bom dia.\",\"voice\":\"ref\",\"nfe\":1}");
            assertThat(r.statusCode()).isEqualTo(503);
            assertThat(error(r)).contains("queue is full");
            assertThat(r.headers().firstValue("Retry-After")).isPresent();
            HttpResponse<byte[]> h = get(server, "/v1/health");
            assertThat(new String(h.body(), StandardCharsets.UTF_8)).contains("\"busy\":true", "\"waiting\":" + jobs.capacity());
        } finally {
            release.countDown();
        }
    }

    /** What the CLI's reader says about these bytes, naming the upload as {@code label}. */
    private static String readerMessage(byte[] bytes, String label) throws Exception {
        Path f = Files.write(dir.resolve("probe.wav"), bytes);
        try {
            Reference.load(f, REF_TEXT, m -> { });
            throw new AssertionError("the reader accepted the bytes");
        } catch (F5jException e) {
            return e.getMessage().replace(f.toString(), label);
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void badUploadsGive400WithTheReadersMessageAndWriteNothing() throws Exception {
        byte[] ref = Files.readAllBytes(REF);
        Path silent = dir.resolve("silent.wav");
        WavFile.write(silent, new float[24000], 24000);
        List<byte[]> bad = List.of("hello, not audio".getBytes(StandardCharsets.UTF_8), java.util.Arrays.copyOf(ref, 30),
                new byte[0], Files.readAllBytes(silent));
        List<Path> before = workFiles();
        for (byte[] b : bad) {
            HttpResponse<byte[]> r = postJson(server, "/v1/synth", synthJson("Bom dia.", b, REF_TEXT, opts("nfe", 1)));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(error(r)).isEqualTo(readerMessage(b, "ref_audio_base64"));
            HttpResponse<byte[]> m = postMultipart(server, "/v1/synth", Multipart.of(Map.of("text", "Bom dia.", "ref_text", REF_TEXT),
                    Map.of("ref_audio", Map.entry("bad.wav", b))));
            assertThat(m.statusCode()).isEqualTo(400);
            assertThat(error(m)).isEqualTo(readerMessage(b, "ref_audio (bad.wav)"));
        }
        HttpResponse<byte[]> noText = postJson(server, "/v1/synth", synthJson("Bom dia.", ref, " ", opts()));
        assertThat(noText.statusCode()).isEqualTo(400);
        assertThat(error(noText)).contains("ref_audio_base64: the reference text is empty");
        assertThat(workFiles()).isEqualTo(before).isEmpty();
    }

    @Test
    void limitsAndPathsAreEnforced() throws Exception {
        // Expect: 100-continue, as curl sends for large bodies: the 413 comes before the body is sent. Without it the
        // server's early answer can race the client's upload and surface as a reset connection instead.
        HttpResponse<byte[]> big = HTTP.send(HttpRequest.newBuilder(server.uri().resolve("/v1/synth")).expectContinue(true)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        synthJson("Bom dia.", new byte[(int) MAX_UPLOAD], REF_TEXT, opts()))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(big.statusCode()).isEqualTo(413);
        for (String v : new String[] {"../voices/ref", "/etc/passwd", "ref/../ref", ".ref"}) {
            HttpResponse<byte[]> r = postJson(server, "/v1/synth", "{\"text\":\"Bom dia.\",\"voice\":\"" + v + "\"}");
            assertThat(r.statusCode()).as(v).isEqualTo(400);
            assertThat(error(r)).contains("not a plain file name");
        }
        assertThat(postJson(server, "/v1/synth", "{\"text\":\"Bom dia.\",\"voice\":\"nobody\"}").statusCode()).isEqualTo(404);
        HttpResponse<byte[]> unknown = postJson(server, "/v1/synth", "{\"text\":\"Bom dia.\",\"voice\":\"ref\",\"out\":\"/tmp/x.wav\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(error(unknown)).contains("unknown field 'out'");
        assertThat(postJson(server, "/v1/audit", "{\"voice\":\"ref\",\"checkpoint_name\":\"../ckpts/model_2.pt\"}").statusCode()).isEqualTo(400);
        assertThat(get(server, "/v1/audit/00000000-0000-0000-0000-000000000000/report.html").statusCode()).isEqualTo(404);
        assertThat(get(server, "/v1/audit/not-an-id/report.html").statusCode()).isEqualTo(404);
        assertThat(get(server, "/v1/synth").statusCode()).isEqualTo(405);
        assertThat(get(server, "/etc/passwd").statusCode()).isEqualTo(404);
        assertThat(postJson(server, "/v1/synth", "[1,2]").statusCode()).isEqualTo(400);
        HttpResponse<byte[]> notBase64 = postJson(server, "/v1/synth", "{\"text\":\"Bom dia.\",\"ref_text\":\"x\",\"ref_audio_base64\":\"%%%\"}");
        assertThat(notBase64.statusCode()).isEqualTo(400);
        assertThat(error(notBase64)).startsWith("ref_audio_base64: not valid base64");
    }

    @Test
    void healthAndInfo() throws Exception {
        assertThat(new String(get(server, "/v1/health").body(), StandardCharsets.UTF_8)).contains("\"status\":\"ok\"");
        JsonObject info = JsonParser.parseString(new String(get(server, "/v1/info").body(), StandardCharsets.UTF_8)).getAsJsonObject();
        assertThat(info.get("version").getAsString()).isEqualTo(f5j.util.Version.VERSION);
        assertThat(info.get("backend").getAsString()).isEqualTo("cpu");
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(MODEL.resolve("model.safetensors"))));
        assertThat(info.getAsJsonObject("model").getAsJsonObject("sha256").get("model.safetensors").getAsString()).isEqualTo(sha);
        assertThat(info.getAsJsonObject("model").getAsJsonObject("config").toString()).contains("\"dim\"");
        assertThat(info.getAsJsonObject("vocoder").getAsJsonObject("sha256").has("pytorch_model.bin")).isTrue();
    }

    @Test
    void auditOnAnUploadedOrServerSideCheckpointServesItsReport() throws Exception {
        List<Path> before = workFiles();
        Multipart m = Multipart.of(Map.of("voice", "ref", "nfe", "2", "seed", "3"),
                Map.of("checkpoint", Map.entry("model_2.pt", Files.readAllBytes(MODEL.resolve("model_2.pt")))));
        HttpResponse<byte[]> r = postMultipart(server, "/v1/audit", m);
        String body = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(r.statusCode()).as(body).isEqualTo(200);
        JsonObject report = JsonParser.parseString(body).getAsJsonObject();
        assertThat(report.getAsJsonObject("verdict").get("summary").getAsString()).isNotBlank();
        assertThat(report.getAsJsonArray("findings")).isNotEmpty();
        assertThat(body).contains("checkpoint (model_2.pt)").doesNotContain(server.work().toString());
        String url = r.headers().firstValue("X-F5j-Report-Url").orElseThrow();
        HttpResponse<byte[]> html = get(server, url);
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(new String(html.body(), StandardCharsets.UTF_8)).contains("f5j audit").doesNotContain(server.work().toString());
        assertThat(get(server, url.replace("report.html", "report.json")).body()).isEqualTo(r.body());
        assertThat(workFiles()).as("the upload is gone").isEqualTo(before);

        HttpResponse<byte[]> named = postJson(server, "/v1/audit", "{\"voice\":\"ref\",\"checkpoint_name\":\"model_2.pt\",\"nfe\":2,\"seed\":3}");
        assertThat(named.statusCode()).as(new String(named.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    }

    @Test
    void aRequestCanBeCancelledAndHasATimeLimit() throws Exception {
        CountDownLatch started = new CountDownLatch(1), release = new CountDownLatch(1);
        server.beforeChunk = i -> {
            started.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        CompletableFuture<HttpResponse<byte[]>> pending = HTTP.sendAsync(HttpRequest.newBuilder(server.uri().resolve("/v1/synth"))
                .header("Content-Type", "application/json").header("X-Request-Id", "cancel-me")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\":\"Bom dia.\",\"voice\":\"ref\",\"nfe\":2}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
        HttpResponse<byte[]> del = HTTP.send(HttpRequest.newBuilder(server.uri().resolve("/v1/requests/cancel-me")).DELETE().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(del.statusCode()).isEqualTo(200);
        release.countDown();
        HttpResponse<byte[]> r = pending.get(60, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(error(r)).contains("cancel-me was cancelled");

        try (F5jServer quick = ServeFixture.start(options(null, null, null, 2, Duration.ofSeconds(1), MAX_UPLOAD))) {
            quick.beforeChunk = i -> {
                try {
                    Thread.sleep(2500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            HttpResponse<byte[]> slow = postJson(quick, "/v1/synth", synthJson("Bom dia.", Files.readAllBytes(REF), REF_TEXT, opts("nfe", 2)));
            assertThat(slow.statusCode()).isEqualTo(504);
            assertThat(error(slow)).contains("time limit of 1 s");
        }
    }

    @Test
    void closingCancelsWaitingRequestsAndStopsListening() throws Exception {
        F5jServer s = ServeFixture.start(options(null, null, null, 2, Duration.ofMinutes(1), MAX_UPLOAD));
        CountDownLatch running = new CountDownLatch(1);
        s.jobs().submit("busy", Duration.ofMinutes(1), j -> {
            running.countDown();
            while (true) {
                j.check();
                Thread.sleep(10);
            }
        });
        assertThat(running.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<HttpResponse<byte[]>> waiting = HTTP.sendAsync(HttpRequest.newBuilder(s.uri().resolve("/v1/synth"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        synthJson("Bom dia.", Files.readAllBytes(REF), REF_TEXT, opts("nfe", 1)))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        for (int i = 0; i < 500 && s.jobs().waiting() == 0; i++) Thread.sleep(10);
        assertThat(s.jobs().waiting()).isEqualTo(1);
        java.net.URI uri = s.uri();
        s.close();
        HttpResponse<byte[]> r = waiting.get(30, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(error(r)).contains("shutting down");
        assertThat(Files.exists(s.work())).as("the temporary work folder is removed").isFalse();
        assertThat(HTTP.sendAsync(HttpRequest.newBuilder(uri.resolve("/v1/health")).build(), HttpResponse.BodyHandlers.discarding()))
                .failsWithin(Duration.ofSeconds(10));
    }
}

package f5j.serve;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import f5j.compute.Backend;
import f5j.infer.Synthesizer;
import f5j.testing.Goldens;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The tiny golden model loaded once, servers on ephemeral loopback ports, and HTTP helpers for the tests. */
final class ServeFixture {
    private ServeFixture() {}

    static final Path MODEL = Goldens.file("f5tts-tiny-v1"), VOCODER = Goldens.file("vocos-tiny"),
            REF = Goldens.file("audio/ref_24k_mono.wav");
    static final String REF_TEXT = "O rato roeu a roupa do rei de Roma.";
    /** Long enough for the tiny model's reference budget to cut it into two chunks. */
    static final String LONG_TEXT = "Olá, tudo bem? Eu sou uma voz sintética e hoje vou ler um texto bastante comprido "
            + "para que o servidor tenha de o cortar em vários pedaços. O primeiro pedaço deve chegar antes de o último "
            + "estar pronto, e o navegador começa a tocar logo. Depois vem o segundo pedaço, que continua a história do "
            + "rato que roeu a roupa do rei de Roma. E assim por diante, até ao fim do texto, com transições suaves entre "
            + "os pedaços. Por fim, a terceira parte fecha a leitura com mais algumas frases sem sentido nenhum.";

    private static Synthesizer synth;

    static synchronized Synthesizer synth() {
        if (synth == null) synth = Synthesizer.load(MODEL, VOCODER, Backend.cpu());
        return synth;
    }

    /** A voices folder with the golden reference as voice "ref". */
    static Path voices(Path dir) throws IOException {
        Path v = Files.createDirectories(dir.resolve("voices"));
        Files.copy(REF, v.resolve("ref.wav"));
        Files.writeString(v.resolve("ref.txt"), REF_TEXT + "\n");
        return v;
    }

    static ServeOptions options(Path voices, Path checkpoints, Path work, int queue, Duration timeout, long maxUpload) {
        return new ServeOptions(MODEL, VOCODER, "cpu", Backend.cpu(), "127.0.0.1", 0, queue, timeout, maxUpload, 64L << 20,
                voices, checkpoints, work);
    }

    static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    static F5jServer start(ServeOptions o) {
        return F5jServer.start(o, synth(), new PrintStream(LOG, true, StandardCharsets.UTF_8));
    }

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    static HttpResponse<byte[]> postJson(F5jServer s, String path, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(s.uri().resolve(path)).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(3)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> get(F5jServer s, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(s.uri() + path.substring(1))).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A JSON synthesis request: text, the reference as base64, options. */
    static String synthJson(String text, byte[] wav, String refText, Map<String, Object> options) {
        JsonObject j = new JsonObject();
        j.addProperty("text", text);
        if (refText != null) j.addProperty("ref_text", refText);
        if (wav != null) j.addProperty("ref_audio_base64", Base64.getEncoder().encodeToString(wav));
        options.forEach((k, v) -> {
            if (v instanceof Number n) j.addProperty(k, n);
            else j.addProperty(k, String.valueOf(v));
        });
        return j.toString();
    }

    /** multipart/form-data: values as strings, files as (name → file name, bytes). */
    record Multipart(String contentType, byte[] body) {
        static Multipart of(Map<String, String> values, Map<String, Map.Entry<String, byte[]>> files) {
            String b = "----f5j" + UUID.randomUUID();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream p = new PrintStream(out, true, StandardCharsets.UTF_8);
            values.forEach((k, v) -> p.print("--" + b + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n"));
            files.forEach((k, f) -> {
                p.print("--" + b + "\r\nContent-Disposition: form-data; name=\"" + k + "\"; filename=\"" + f.getKey()
                        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
                p.write(f.getValue(), 0, f.getValue().length);
                p.print("\r\n");
            });
            p.print("--" + b + "--\r\n");
            return new Multipart("multipart/form-data; boundary=" + b, out.toByteArray());
        }
    }

    static HttpResponse<byte[]> postMultipart(F5jServer s, String path, Multipart m) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(s.uri().resolve(path)).header("Content-Type", m.contentType())
                .timeout(Duration.ofMinutes(3)).POST(HttpRequest.BodyPublishers.ofByteArray(m.body())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static String error(HttpResponse<byte[]> r) {
        return JsonParser.parseString(new String(r.body(), StandardCharsets.UTF_8)).getAsJsonObject().get("error").getAsString();
    }

    static Map<String, Object> opts(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}

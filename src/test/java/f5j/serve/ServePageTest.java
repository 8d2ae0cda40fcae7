package f5j.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static f5j.serve.ServeFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The page at / driven in headless Chromium over the DevTools protocol: type text, click Play, and the
 * {@code <audio>} element gets the streamed result as its source; then the Audit tab shows a report.
 * Screenshots are saved under target/.
 * Skipped where Chromium is not installed.
 */
class ServePageTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    /** A minimal DevTools client: numbered commands, answers matched by id. */
    static final class Cdp implements WebSocket.Listener, AutoCloseable {
        private final Map<Integer, CompletableFuture<JsonObject>> waiting = new ConcurrentHashMap<>();
        private final AtomicInteger ids = new AtomicInteger();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket ws;

        Cdp(String url) {
            ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), this).join();
        }

        JsonObject send(String method, JsonObject params) throws Exception {
            int id = ids.incrementAndGet();
            CompletableFuture<JsonObject> f = new CompletableFuture<>();
            waiting.put(id, f);
            JsonObject m = new JsonObject();
            m.addProperty("id", id);
            m.addProperty("method", method);
            m.add("params", params != null ? params : new JsonObject());
            ws.sendText(m.toString(), true).join();
            JsonObject r = f.get(60, TimeUnit.SECONDS);
            if (r.has("error")) throw new AssertionError(method + ": " + r.get("error"));
            return r.getAsJsonObject("result");
        }

        /** Evaluates JS in the page (as a user gesture), awaiting promises; returns the value. */
        com.google.gson.JsonElement eval(String js) throws Exception {
            JsonObject p = new JsonObject();
            p.addProperty("expression", js);
            p.addProperty("returnByValue", true);
            p.addProperty("awaitPromise", true);
            p.addProperty("userGesture", true);
            JsonObject r = send("Runtime.evaluate", p);
            if (r.has("exceptionDetails")) throw new AssertionError(js + ": " + r.get("exceptionDetails"));
            return r.getAsJsonObject("result").get("value");
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                JsonObject m = JsonParser.parseString(partial.toString()).getAsJsonObject();
                partial.setLength(0);
                if (m.has("id")) {
                    CompletableFuture<JsonObject> f = waiting.remove(m.get("id").getAsInt());
                    if (f != null) f.complete(m);
                }
            }
            w.request(1);
            return null;
        }

        @Override
        public void close() { ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join(); }
    }

    private static JsonObject obj(Object... kv) {
        JsonObject o = new JsonObject();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] instanceof Number n) o.addProperty((String) kv[i], n);
            else if (kv[i + 1] instanceof Boolean b) o.addProperty((String) kv[i], b);
            else o.addProperty((String) kv[i], String.valueOf(kv[i + 1]));
        }
        return o;
    }

    private static void waitFor(Cdp cdp, String condition, int seconds) throws Exception {
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds); System.nanoTime() < end; Thread.sleep(200)) {
            if (cdp.eval("!!(" + condition + ")").getAsBoolean()) return;
        }
        throw new AssertionError("timed out waiting for " + condition + "; status: " + cdp.eval("document.getElementById('status').textContent"));
    }

    @Test
    void typeTextPressPlayAndTheAudioElementGetsTheResult(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed");
        try (F5jServer s = ServeFixture.start(options(voices(dir), null, null, 4, Duration.ofMinutes(3), 2 << 20))) {
            Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--autoplay-policy=no-user-gesture-required", "--remote-debugging-port=0", "--remote-allow-origins=*",
                    "--user-data-dir=" + Files.createDirectories(dir.resolve("profile")), "--window-size=1100,1000", "about:blank")
                    .redirectErrorStream(true).start();
            try {
                String devtools = null;
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                for (String line; devtools == null && (line = out.readLine()) != null; ) {
                    if (line.startsWith("DevTools listening on ")) devtools = line.substring("DevTools listening on ".length()).trim();
                }
                assertThat(devtools).as("chromium printed its DevTools address").isNotNull();
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
                drain.setDaemon(true);
                drain.start();
                URI ws = URI.create(devtools);
                String list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + ws.getAuthority() + "/json/list"))
                        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
                String pageWs = null;
                for (var t : JsonParser.parseString(list).getAsJsonArray()) {
                    if (t.getAsJsonObject().get("type").getAsString().equals("page")) {
                        pageWs = t.getAsJsonObject().get("webSocketDebuggerUrl").getAsString();
                    }
                }
                assertThat(pageWs).isNotNull();
                try (Cdp cdp = new Cdp(pageWs)) {
                    cdp.send("Page.enable", null);
                    cdp.send("Page.navigate", obj("url", s.uri().toString()));
                    waitFor(cdp, "document.readyState === 'complete' && document.getElementById('voice').options.length > 1", 60);
                    assertThat(cdp.eval("document.getElementById('ref-text').value").getAsString()).isEqualTo(REF_TEXT);
                    cdp.eval("document.getElementById('nfe').value = '4'; document.getElementById('text').focus()");
                    cdp.send("Input.insertText", obj("text", LONG_TEXT));
                    assertThat(cdp.eval("document.getElementById('text').value").getAsString()).isEqualTo(LONG_TEXT);
                    JsonArray box = cdp.eval("(() => { const r = document.getElementById('play').getBoundingClientRect();"
                            + " return [r.x + r.width / 2, r.y + r.height / 2]; })()").getAsJsonArray();
                    for (String type : new String[] {"mousePressed", "mouseReleased"}) {
                        cdp.send("Input.dispatchMouseEvent", obj("type", type, "x", box.get(0).getAsDouble(),
                                "y", box.get(1).getAsDouble(), "button", "left", "clickCount", 1));
                    }
                    waitFor(cdp, "document.getElementById('player').src.startsWith('blob:')", 120);
                    waitFor(cdp, "document.getElementById('mel').complete && document.getElementById('mel').naturalWidth > 0", 30);
                    assertThat(cdp.eval("document.getElementById('status').className").getAsString()).doesNotContain("error");
                    assertThat(cdp.eval("document.getElementById('status').textContent").getAsString()).contains("2 chunk(s)", "first audio after");
                    assertThat(cdp.eval("fetch(document.getElementById('player').src).then(r => r.arrayBuffer()).then(b => b.byteLength)")
                            .getAsLong()).isGreaterThan(44 + 24000 * 2);
                    byte[] png = Base64.getDecoder().decode(cdp.send("Page.captureScreenshot", obj("format", "png")).get("data").getAsString());
                    BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
                    assertThat(img.getWidth()).isEqualTo(1100);
                    Files.createDirectories(Path.of("target"));
                    Files.write(Path.of("target", "serve-page.png"), png);

                    // the Audit tab: the served model audited with the same voice; the report shows in the page
                    cdp.eval("document.querySelector('.tab[data-tab=audit]').click()");
                    cdp.eval("document.getElementById('audit-nfe').value = '2'; document.getElementById('run-audit').click()");
                    waitFor(cdp, "(() => { const f = document.getElementById('report'); return !f.hidden && f.contentDocument"
                            + " && f.contentDocument.title === 'f5j audit' && f.contentDocument.readyState === 'complete'; })()", 120);
                    assertThat(cdp.eval("document.getElementById('audit-status').textContent").getAsString()).startsWith("done");
                    Files.write(Path.of("target", "serve-page-audit.png"), Base64.getDecoder().decode(
                            cdp.send("Page.captureScreenshot", obj("format", "png")).get("data").getAsString()));
                }
            } finally {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly();
            }
        }
    }
}

package f5j.serve;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import f5j.audio.WavFile;
import f5j.audit.MelImage;
import f5j.config.ModelConfig;
import f5j.infer.CrossFade;
import f5j.infer.Synthesizer;
import f5j.tensor.Tensor;
import f5j.util.F5jException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code f5j serve}: one loaded model behind an HTTP API (Jetty 12 core) and a web page. Synthesis and audits
 * go through {@link Jobs} (one worker, bounded queue, deadlines, cancellation); uploads live in the work
 * folder only while their request runs; requests name server-side files only by bare names.
 */
public final class F5jServer implements AutoCloseable {
    private static final Gson GSON = new com.google.gson.GsonBuilder().disableHtmlEscaping().create();
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern AUDIT_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Set<String> AUDIT_VALUES = Set.of("checkpoint_name", "preset", "voice", "ref_text", "gen_text",
            "dataset_text", "seed", "nfe", "cfg", "sway", "precision", "train_precision");
    private static final Set<String> AUDIT_FILES = Set.of("checkpoint", "vocab", "config", "ref_audio");
    /** The page: plain files from the jar, looked up in this table only. */
    private static final Map<String, String> PAGE = Map.of("/", "index.html", "/index.html", "index.html",
            "/app.js", "app.js", "/style.css", "style.css");

    private final ServeOptions o;
    private final Synthesizer synth;
    private final PrintStream log;
    private final Jobs jobs;
    private final Server server;
    private final Path voices, checkpoints, work, uploads, audits;
    private final boolean ownWork;
    private final byte[] info;
    private final Map<String, byte[]> page = new LinkedHashMap<>();
    /** Test seam: called on the worker before each chunk is computed. */
    volatile IntConsumer beforeChunk = i -> { };

    private F5jServer(ServeOptions o, Synthesizer synth, PrintStream log) throws IOException {
        this.o = o;
        this.synth = synth;
        this.log = log;
        this.voices = Folders.dir(o.voices(), "--voices");
        this.checkpoints = Folders.dir(o.checkpoints(), "--checkpoints");
        this.info = GSON.toJson(ServerInfo.of(o)).getBytes(StandardCharsets.UTF_8);
        for (String name : Set.copyOf(PAGE.values())) page.put(name, resource(name));
        this.ownWork = o.work() == null;
        Path w = ownWork ? Files.createTempDirectory("f5j-serve") : o.work();
        Files.createDirectories(w);
        this.work = w.toRealPath();
        this.uploads = Files.createDirectories(work.resolve("uploads"));
        this.audits = Files.createDirectories(work.resolve("audits"));
        this.jobs = new Jobs(o.queue());
        QueuedThreadPool pool = new QueuedThreadPool(64, 4);
        pool.setName("f5j-http");
        this.server = new Server(pool);
        org.eclipse.jetty.server.HttpConfiguration http = new org.eclipse.jetty.server.HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector c = new ServerConnector(server, new org.eclipse.jetty.server.HttpConnectionFactory(http));
        c.setHost(o.host());
        c.setPort(o.port());
        // a connection waits silently while its job is queued and runs: it must outlive the request's time limit
        c.setIdleTimeout(o.timeout().toMillis() + 30_000);
        server.addConnector(c);
        server.setStopTimeout(5000);
        // graceful stop: requests in flight may finish (within the stop timeout) while new ones are refused
        server.setHandler(new org.eclipse.jetty.server.handler.GracefulHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request req, Response res, Callback cb) {
                F5jServer.this.handle(req, res, cb);
                return true;
            }
        }));
    }

    /** Binds and starts serving; the model is the caller's, shared by every request. */
    public static F5jServer start(ServeOptions o, Synthesizer synth, PrintStream log) {
        F5jServer s;
        try {
            s = new F5jServer(o, synth, log);
        } catch (IOException e) {
            throw new F5jException("serve: cannot prepare the work folder (" + e.getMessage() + ")");
        }
        try {
            s.server.start();
            s.port = ((ServerConnector) s.server.getConnectors()[0]).getLocalPort();
        } catch (Exception e) {
            s.close();
            throw new F5jException("serve: cannot listen on " + o.host() + ":" + o.port() + " (" + e.getMessage() + ")");
        }
        return s;
    }

    private volatile int port;

    /** The port it listens (or listened) on. */
    public int port() { return port; }

    public URI uri() { return URI.create("http://" + (o.host().contains(":") ? "[" + o.host() + "]" : o.host()) + ":" + port() + "/"); }

    Jobs jobs() { return jobs; }


    Path work() { return work; }

    /** Blocks until the server stops. */
    public void join() throws InterruptedException { server.join(); }

    /** Refuses new work, cancels queued and running jobs, lets responses finish, stops listening. */
    @Override
    public void close() {
        jobs.close(java.time.Duration.ofSeconds(10));
        try {
            server.stop();
        } catch (Exception e) {
            log.println("serve: stopping the HTTP server: " + e);
        }
        if (ownWork) deleteTree(work);
    }

    // ------------------------------------------------------------------ routing

    private void handle(Request req, Response res, Callback cb) {
        long t0 = System.nanoTime();
        String path = Request.getPathInContext(req), method = req.getMethod();
        res.getHeaders().put("X-Content-Type-Options", "nosniff");
        try {
            if (method.equals("GET") && PAGE.containsKey(path)) {
                String name = PAGE.get(path);
                send(res, cb, 200, name.endsWith(".js") ? "text/javascript; charset=utf-8"
                        : name.endsWith(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8", page.get(name));
                return;
            }
            switch (path) {
                case "/v1/health" -> { only(method, "GET"); health(res, cb); }
                case "/v1/info" -> { only(method, "GET"); send(res, cb, 200, "application/json", info); }
                case "/v1/voices" -> { only(method, "GET"); voiceList(res, cb); }
                case "/v1/checkpoints" -> { only(method, "GET"); json(res, cb, 200, Map.of("checkpoints", checkpointNames())); }
                case "/v1/synth" -> { only(method, "POST"); synth(req, res, cb, t0); }
                case "/v1/synth/stream" -> { only(method, "POST"); stream(req, res, cb, t0); }
                case "/v1/audit" -> { only(method, "POST"); audit(req, res, cb); }
                default -> {
                    if (path.startsWith("/v1/requests/")) {
                        only(method, "DELETE");
                        String id = path.substring("/v1/requests/".length());
                        if (!jobs.cancel(id)) throw new HttpError(404, "no running or queued request " + id);
                        json(res, cb, 200, Map.of("cancelled", id));
                    } else if (path.startsWith("/v1/audit/")) {
                        only(method, "GET");
                        auditFile(path.substring("/v1/audit/".length()), res, cb);
                    } else {
                        throw new HttpError(404, "no such page: " + path);
                    }
                }
            }
        } catch (Throwable t) {
            fail(res, cb, t);
        }
    }

    private void fail(Response res, Callback cb, Throwable t) {
        int status;
        String msg;
        if (t instanceof HttpError e) {
            status = e.status;
            msg = e.getMessage();
        } else if (t instanceof Jobs.Stopped s) {
            status = s.status;
            msg = s.getMessage();
        } else if (t instanceof F5jException e) {
            status = 400;
            msg = e.getMessage();
        } else {
            status = 500;
            msg = "internal error: " + t;
            log.println("serve: internal error");
            t.printStackTrace(log);
        }
        if (res.isCommitted()) {
            cb.failed(t);
            return;
        }
        if (status == 503) res.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
        json(res, cb, status, Map.of("error", msg));
    }

    private static void only(String method, String allowed) {
        if (!method.equals(allowed)) throw new HttpError(405, "use " + allowed);
    }

    private static void send(Response res, Callback cb, int status, String type, byte[] body) {
        res.setStatus(status);
        res.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        res.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        res.write(true, ByteBuffer.wrap(body), cb);
    }

    private static void json(Response res, Callback cb, int status, Object body) {
        send(res, cb, status, "application/json", GSON.toJson(body).getBytes(StandardCharsets.UTF_8));
    }

    private String requestId(Request req) {
        String id = req.getHeaders().get("X-Request-Id");
        if (id == null) return UUID.randomUUID().toString();
        if (!REQUEST_ID.matcher(id).matches()) throw new HttpError(400, "X-Request-Id: 1 to 64 of A-Z a-z 0-9 _ -");
        return id;
    }

    private void health(Response res, Callback cb) {
        JsonObject j = new JsonObject();
        j.addProperty("status", "ok");
        j.addProperty("busy", jobs.busy());
        j.addProperty("waiting", jobs.waiting());
        j.addProperty("queue_capacity", jobs.capacity());
        json(res, cb, 200, j);
    }

    private void voiceList(Response res, Callback cb) {
        JsonArray a = new JsonArray();
        for (String wav : Folders.list(voices, ".wav")) {
            String name = wav.substring(0, wav.length() - 4);
            JsonObject v = new JsonObject();
            v.addProperty("name", name);
            Path txt = voices.resolve(name + ".txt");
            try {
                if (Files.isRegularFile(txt)) v.addProperty("ref_text", Files.readString(txt, StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            a.add(v);
        }
        JsonObject j = new JsonObject();
        j.add("voices", a);
        json(res, cb, 200, j);
    }

    private java.util.List<String> checkpointNames() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String ext : new String[] {".pt", ".pth", ".ckpt", ".safetensors"}) out.addAll(Folders.list(checkpoints, ext));
        out.sort(null);
        return out;
    }

    // ------------------------------------------------------------------ synthesis

    private Synthesizer.Result synthesize(SynthInputs si, Jobs.Job job, Synthesizer.Listener extra) {
        return synth.synthesize(si.ref(), si.chunks(), i -> si.seed() + i, si.settings(), new Synthesizer.Listener() {
            @Override
            public void chunkStarted(int index, int count, String text, int duration) {
                job.check();
                beforeChunk.accept(index);
                job.check();
            }

            @Override
            public void stepDone() { job.check(); }

            @Override
            public void chunkDone(int index, int count, float[] wave, Tensor mel) {
                job.check();
                extra.chunkDone(index, count, wave, mel);
            }

            @Override
            public void unknownTokens(String warning) { log.println("serve: " + job.id + ": warning: " + warning); }
        });
    }

    private SynthInputs synthInputs(Request req, String id) {
        try (Inputs in = Inputs.read(req, o.maxUploadBytes(), uploads, SynthInputs.VALUES, SynthInputs.FILES)) {
            return SynthInputs.from(in, voices, m -> log.println("serve: " + id + ": " + m));
        }
    }

    private Object await(Jobs.Job job) throws Exception {
        try {
            // a little past the deadline: the worker's own check usually ends the job first, with its message
            return job.result.get(Math.max(0, job.remainingNanos()) + TimeUnit.SECONDS.toNanos(2), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            job.cancel(Jobs.timeLimit(job.limit));
            throw job.stop;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception x ? x : new RuntimeException(e.getCause());
        } finally {
            jobs.forget(job);
        }
    }

    /** A failure of the connection (not an idle timeout: the job has its own deadline) cancels the job. */
    private void watchClient(Request req, Jobs.Job job) {
        req.addFailureListener(t -> {
            if (t instanceof TimeoutException) return;
            log.println("serve: " + job.id + ": the connection failed (" + t + "); cancelling");
            job.cancel(new Jobs.Stopped(499, "the client went away"));
        });
    }

    private void synth(Request req, Response res, Callback cb, long t0) throws Exception {
        String id = requestId(req);
        SynthInputs si = synthInputs(req, id);
        Jobs.Job job = jobs.submit(id, o.timeout(), j -> synthesize(si, j, Synthesizer.Listener.NONE));
        watchClient(req, job);
        Synthesizer.Result r = (Synthesizer.Result) await(job);
        // the WAV exactly as ./f5j synth writes it: through WavFile into a file, then sent
        Path out = work.resolve("out-" + UUID.randomUUID() + ".wav");
        byte[] wav;
        try {
            WavFile.write(out, r.wave(), r.sampleRate());
            wav = Files.readAllBytes(out);
        } finally {
            Files.deleteIfExists(out);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        log.printf(Locale.ROOT, "serve: %s: synth %d chunk(s), %.2f s of audio in %d ms (seed %d)%n", id,
                r.chunks().size(), r.seconds(), ms, si.seed());
        res.getHeaders().put("X-Request-Id", id);
        res.getHeaders().put("X-F5j-Seed", Long.toString(si.seed()));
        res.getHeaders().put("X-F5j-Chunks", Integer.toString(r.chunks().size()));
        res.getHeaders().put("X-F5j-Total-Ms", Long.toString(ms));
        send(res, cb, 200, "audio/wav", wav);
    }

    private record Audio(int chunk, int chunks, float[] samples) {}

    private record Finished(Object result, Throwable error) {}

    /**
     * Server-sent events: {@code audio} per finished chunk (the cross-faded samples no later chunk can change,
     * float32 little-endian in base64), then {@code done} (timings, the mel picture) or {@code error}. The
     * status and headers go out with the first audio, so they carry the time to first audio.
     */
    private void stream(Request req, Response res, Callback cb, long t0) throws Exception {
        String id = requestId(req);
        SynthInputs si = synthInputs(req, id);
        int rate = synth.config().melSpec().sampleRate();
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        CrossFade.Stream joiner = new CrossFade.Stream(si.settings().crossFadeSeconds(), rate);
        Synthesizer.Listener emit = new Synthesizer.Listener() {
            @Override
            public void chunkDone(int index, int count, float[] wave, Tensor mel) {
                float[] a = joiner.add(wave);
                if (index == count - 1) {
                    float[] rest = joiner.finish();
                    float[] all = java.util.Arrays.copyOf(a, a.length + rest.length);
                    System.arraycopy(rest, 0, all, a.length, rest.length);
                    a = all;
                }
                events.add(new Audio(index, count, a));
            }
        };
        Jobs.Job job = jobs.submit(id, o.timeout(), j -> synthesize(si, j, emit));
        job.result.whenComplete((r, e) -> events.add(new Finished(r, e)));
        watchClient(req, job);
        long ttfa = -1;
        try {
            while (true) {
                Object ev = events.poll(Math.max(0, job.remainingNanos()) + TimeUnit.SECONDS.toNanos(2), TimeUnit.NANOSECONDS);
                if (ev == null) {
                    job.cancel(Jobs.timeLimit(job.limit));
                    ev = new Finished(null, job.stop);
                }
                if (ev instanceof Audio a) {
                    if (ttfa < 0) {
                        ttfa = (System.nanoTime() - t0) / 1_000_000;
                        log.printf(Locale.ROOT, "serve: %s: stream: time to first audio %d ms (chunk 1 of %d)%n", id, ttfa, a.chunks());
                        res.setStatus(200);
                        res.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
                        res.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
                        res.getHeaders().put("X-Request-Id", id);
                        res.getHeaders().put("X-F5j-Seed", Long.toString(si.seed()));
                        res.getHeaders().put("X-F5j-Time-To-First-Audio-Ms", Long.toString(ttfa));
                    }
                    ByteBuffer b = ByteBuffer.allocate(a.samples().length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(a.samples());
                    JsonObject j = new JsonObject();
                    j.addProperty("chunk", a.chunk());
                    j.addProperty("chunks", a.chunks());
                    j.addProperty("sample_rate", rate);
                    j.addProperty("samples", a.samples().length);
                    j.addProperty("f32le_base64", Base64.getEncoder().encodeToString(b.array()));
                    sse(res, "audio", j, false);
                    continue;
                }
                Finished f = (Finished) ev;
                if (f.error() != null) {
                    Throwable t = f.error() instanceof ExecutionException x && x.getCause() != null ? x.getCause() : f.error();
                    if (ttfa < 0) throw t instanceof Exception x ? x : new RuntimeException(t);
                    log.println("serve: " + id + ": stream stopped: " + t.getMessage());
                    JsonObject j = new JsonObject();
                    j.addProperty("error", t.getMessage());
                    sse(res, "error", j, true);
                    cb.succeeded();
                    return;
                }
                Synthesizer.Result r = (Synthesizer.Result) f.result();
                long total = (System.nanoTime() - t0) / 1_000_000;
                log.printf(Locale.ROOT, "serve: %s: stream done, %d chunk(s), %.2f s of audio in %d ms, first audio after %d ms%n",
                        id, r.chunks().size(), r.seconds(), total, ttfa);
                JsonObject j = new JsonObject();
                j.addProperty("chunks", r.chunks().size());
                j.addProperty("seconds", r.seconds());
                j.addProperty("seed", si.seed());
                j.addProperty("time_to_first_audio_ms", ttfa);
                j.addProperty("total_ms", total);
                j.addProperty("mel_png_base64", Base64.getEncoder().encodeToString(
                        MelImage.png(MelImage.render(r.mel().transposeLast2(), Double.NaN, Double.NaN, 1, 2))));
                sse(res, "done", j, true);
                cb.succeeded();
                return;
            }
        } catch (IOException e) {
            // the client went away while we wrote
            job.cancel(new Jobs.Stopped(499, "the client went away"));
            cb.failed(e);
        } finally {
            jobs.forget(job);
        }
    }

    private static void sse(Response res, String event, JsonObject data, boolean last) throws IOException {
        byte[] b = ("event: " + event + "\ndata: " + GSON.toJson(data) + "\n\n").getBytes(StandardCharsets.UTF_8);
        Content.Sink.write(res, last, ByteBuffer.wrap(b));
    }

    // ------------------------------------------------------------------ audit

    private void audit(Request req, Response res, Callback cb) throws Exception {
        String id = requestId(req);
        String reportId = UUID.randomUUID().toString();
        Path out = audits.resolve(reportId);
        try (Inputs in = Inputs.read(req, o.maxCheckpointBytes(), o.maxUploadBytes(), uploads, AUDIT_VALUES, AUDIT_FILES)) {
            Map<String, String> labels = new LinkedHashMap<>();
            AuditRunner.Request q = auditRequest(in, labels);
            Jobs.Job job = jobs.submit(id, o.timeout(), j -> {
                AuditRunner.run(q, out, m -> log.println("serve: " + id + ": audit: " + m));
                // the report names the uploads as the client did, not by the server's temporary files
                for (String f : new String[] {"report.json", "report.html"}) {
                    String text = Files.readString(out.resolve(f), StandardCharsets.UTF_8);
                    for (var l : labels.entrySet()) text = text.replace(l.getKey(), l.getValue());
                    f5j.util.AtomicFiles.writeString(out.resolve(f), text);
                }
                return out;
            });
            try {
                await(job);
            } catch (F5jException e) {
                String m = e.getMessage();
                for (var l : labels.entrySet()) m = m.replace(l.getKey(), l.getValue());
                throw new F5jException(m);
            }
        } catch (Exception | Error e) {
            deleteTree(out);
            throw e;
        }
        String url = "/v1/audit/" + reportId + "/report.html";
        log.println("serve: " + id + ": audit written, " + url);
        res.getHeaders().put("X-Request-Id", id);
        res.getHeaders().put(HttpHeader.LOCATION, url);
        res.getHeaders().put("X-F5j-Report-Url", url);
        send(res, cb, 200, "application/json", Files.readAllBytes(out.resolve("report.json")));
    }

    private AuditRunner.Request auditRequest(Inputs in, Map<String, String> labels) {
        Inputs.Upload up = in.file("checkpoint");
        String name = in.value("checkpoint_name");
        if (up != null && name != null) throw new HttpError(400, "give a checkpoint upload or a checkpoint_name, not both");
        Path ckpt = up != null ? up.file() : name != null ? Folders.file(checkpoints, name, "checkpoint")
                : o.model().resolve("model.safetensors");
        Inputs.Upload vocabUp = in.file("vocab"), configUp = in.file("config"), refUp = in.file("ref_audio");
        for (Inputs.Upload u : new Inputs.Upload[] {up, vocabUp, configUp, refUp}) {
            if (u != null) labels.put(u.file().toString(), u.label());
        }
        String preset = in.value("preset");
        if (configUp != null && preset != null) throw new HttpError(400, "give a config upload or a preset, not both");
        ModelConfig cfg = configUp != null ? ModelConfig.load(configUp.file()) : preset != null ? ModelConfig.preset(preset) : synth.config();
        String cfgSource = configUp != null ? configUp.label() : preset != null ? "preset " + preset : "the served model's model.yaml";
        String voice = in.value("voice");
        if ((refUp == null) == (voice == null)) throw new HttpError(400, "give the reference as a ref_audio upload or a voice name, exactly one");
        String refText = in.value("ref_text");
        Path ref = refUp != null ? refUp.file() : Folders.file(voices, voice + ".wav", "voice");
        if (voice != null && (refText == null || refText.isBlank())) {
            try {
                refText = Files.readString(Folders.file(voices, voice + ".txt", "voice transcript"), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        Long seed = in.longValue("seed");
        Integer nfe = in.integer("nfe");
        Double cfgS = in.number("cfg"), sway = in.number("sway");
        String prec = in.value("precision"), trainPrec = in.value("train_precision");
        return new AuditRunner.Request(ckpt, vocabUp != null ? vocabUp.file() : o.model().resolve("vocab.txt"), cfg, cfgSource,
                ref, refText, in.value("gen_text"), in.value("dataset_text"), seed != null ? seed : 0,
                trainPrec != null ? trainPrec : "fp32", prec != null ? prec : "fp16", nfe != null ? nfe : 32,
                cfgS != null ? cfgS : 2.0, sway != null ? sway : -1.0, o.vocoder(), o.backend());
    }

    private void auditFile(String rest, Response res, Callback cb) throws IOException {
        int slash = rest.indexOf('/');
        String id = slash < 0 ? rest : rest.substring(0, slash), file = slash < 0 ? "" : rest.substring(slash + 1);
        if (!AUDIT_ID.matcher(id).matches()) throw new HttpError(404, "no such audit: " + id);
        Path dir = audits.resolve(id);
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) throw new HttpError(404, "no such audit: " + id);
        Path f = Folders.file(dir, file, "report file");
        String type = file.endsWith(".html") ? "text/html; charset=utf-8" : file.endsWith(".json") ? "application/json"
                : file.endsWith(".wav") ? "audio/wav" : "application/octet-stream";
        send(res, cb, 200, type, Files.readAllBytes(f));
    }

    // ------------------------------------------------------------------ files

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = F5jServer.class.getResourceAsStream("web/" + name)) {
            if (in == null) throw new IOException("the page resource " + name + " is missing from the jar");
            return in.readAllBytes();
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) { }
            });
        } catch (IOException ignored) { }
    }
}

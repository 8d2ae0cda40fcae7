package f5j.golden;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import f5j.compute.Backend;
import f5j.infer.Reference;
import f5j.infer.SynthSettings;
import f5j.infer.Synthesizer;
import f5j.sampler.TorchRandom;
import f5j.tensor.DType;
import f5j.tensor.Tensor;
import f5j.trace.Trace;
import f5j.util.F5jException;
import f5j.util.Version;
import f5j.weights.Converter;
import f5j.weights.ModelDir;
import f5j.weights.RawTensor;
import f5j.weights.SafeTensors;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A user's own golden: one {@code synth} run recorded in the shared goldens' format (kind {@code f5j_synth}),
 * replayable from the file alone. It holds the reference WAV's bytes and every parameter as inputs, the
 * preprocessed reference, the generated mel and the wave as outputs, and {@code act/MODULE#K} for the DiT
 * modules the taps select during the first ODE step of the first chunk. Model and vocoder are named by
 * folder (relative to the recording when possible) and pinned by sha256, so a replay on other weights is
 * reported as such while the numbers still show which layer moved first.
 */
public final class SynthRecording implements GoldenKind {
    public static final String KIND = "f5j_synth";

    /** What to run and record. {@code taps}: comma-separated globs over DiT module paths ("*" = all). */
    public record Request(Path model, Path vocoder, Path refAudio, String refText, String text, long seed,
                          SynthSettings settings, String taps, Backend backend) {}

    @Override
    public String kind() { return KIND; }

    /** Runs the request and writes the recording atomically; returns the result for reporting. */
    public static Synthesizer.Result record(Request q, Path out) {
        if (!Files.isRegularFile(q.refAudio())) throw new F5jException("--ref-audio " + q.refAudio() + ": no such file");
        byte[] wav = f5j.util.InputFiles.readAllBytes(q.refAudio());
        Run run = run(q.model(), q.vocoder(), q.refAudio(), q.refText(), q.text(), q.seed(), q.settings(), q.taps(), q.backend());
        if (run.acts.isEmpty()) {
            throw new F5jException("--taps " + q.taps() + ": matches no DiT module (module paths look like "
                    + "'transformer_blocks.0.attn', 'time_embed', 'proj_out'; '*' records all)");
        }

        List<RawTensor> tensors = new ArrayList<>();
        tensors.add(new RawTensor("inputs/ref_wav", DType.U8, new long[] {wav.length}, MemorySegment.ofArray(wav)));
        tensors.add(RawTensor.ofLongs("inputs/text_ids", run.ids, run.ids.length));
        tensors.add(RawTensor.of("inputs/y0", run.y0));
        tensors.add(RawTensor.of("out/ref_preprocessed", run.refPreprocessed));
        tensors.add(RawTensor.of("out/mel", run.result.mel()));
        tensors.add(RawTensor.of("out/wave", new Tensor(run.result.wave(), run.result.wave().length)));
        run.acts.forEach((k, v) -> tensors.add(RawTensor.of("act/" + k, v)));

        Path dir = out.toAbsolutePath().getParent();
        SynthSettings s = q.settings();
        Map<String, String> md = new LinkedHashMap<>();
        md.put("kind", KIND);
        md.put("what", "f5j synth: preprocess_ref_audio_text, infer_process (chunk i sampled with seed + i); act/ = DiT "
                + "modules at the first ODE step of chunk 0");
        md.put("model", relative(dir, q.model()));
        md.put("vocoder", relative(dir, q.vocoder()));
        md.put("model_digest", modelDigest(q.model()));
        md.put("vocoder_digest", vocoderDigest(q.vocoder()));
        md.put("ref_file", q.refAudio().getFileName().toString());
        md.put("ref_text", q.refText());
        md.put("gen_text", q.text());
        md.put("seed", Long.toString(q.seed()));
        md.put("nfe", Integer.toString(s.nfe()));
        md.put("cfg_strength", Double.toString(s.cfgStrength()));
        md.put("sway_sampling_coef", String.valueOf(s.swaySamplingCoef()));
        md.put("speed", Double.toString(s.speed()));
        md.put("fix_duration", String.valueOf(s.fixDuration()));
        md.put("target_rms", Double.toString(s.targetRms()));
        md.put("cross_fade", Double.toString(s.crossFadeSeconds()));
        md.put("method", s.method());
        md.put("taps", q.taps());
        md.put("chunks", chunksJson(run.result));
        md.put("f5j_version", Version.VERSION);
        md.put("backend", q.backend().name());
        md.put("precision", "fp32");
        md.put("recorded_at", Instant.now().toString());
        SafeTensors.write(out, tensors, md);
        return run.result;
    }

    @Override
    public void verify(GoldenFile g, VerifyOptions o, GoldenReport report) {
        Path model = o.model() != null ? o.model() : g.dir().resolve(g.requireMeta("model")).normalize();
        Path vocoder = o.vocoder() != null ? o.vocoder() : g.dir().resolve(g.requireMeta("vocoder")).normalize();
        requireFolder(g, model, "model", "--model");
        requireFolder(g, vocoder, "vocoder", "--vocoder");
        digest(report, "model_digest", g.requireMeta("model_digest"), modelDigest(model), model);
        digest(report, "vocoder_digest", g.requireMeta("vocoder_digest"), vocoderDigest(vocoder), vocoder);

        SynthSettings s = new SynthSettings(Integer.parseInt(g.requireMeta("nfe")), Double.parseDouble(g.requireMeta("cfg_strength")),
                nullableDouble(g.requireMeta("sway_sampling_coef")), Double.parseDouble(g.requireMeta("speed")),
                nullableDouble(g.requireMeta("fix_duration")), Double.parseDouble(g.requireMeta("target_rms")),
                Double.parseDouble(g.requireMeta("cross_fade")), g.requireMeta("method"));
        Run run;
        Path tmp = null;
        try {
            // the reference replays from the bytes the recording holds, through the same preprocessing
            tmp = Files.createTempDirectory("f5j-replay");
            Path wav = tmp.resolve(g.requireMeta("ref_file"));
            Files.write(wav, g.raw("inputs/ref_wav").bytes());
            run = run(model, vocoder, wav, g.requireMeta("ref_text"), g.requireMeta("gen_text"),
                    Long.parseLong(g.requireMeta("seed")), s, g.requireMeta("taps"), o.backend());
        } catch (IOException e) {
            throw new F5jException(g.path() + ": cannot replay the reference (" + e.getMessage() + ")");
        } finally {
            deleteQuietly(tmp);
        }

        compareChunks(g, run.result, report);
        report.compareExact("inputs/text_ids", g.raw("inputs/text_ids").toLongs(), run.ids);
        RawTensor y0 = g.raw("inputs/y0");
        if (y0.sameAs(RawTensor.of("inputs/y0", run.y0))) report.pass("inputs/y0", y0.shapeString(), "identical input");
        else report.fail("inputs/y0", "start noise differs from the recording's");
        report.compare("out/ref_preprocessed", g.raw("out/ref_preprocessed"), run.refPreprocessed, o.tol(1e-4));
        for (String name : g.expectedNames()) {
            if (!name.startsWith("act/")) continue;
            report.compare(name, g.raw(name), run.acts.get(name.substring(4)), o.tol(1e-4));
        }
        report.compare("out/mel", g.raw("out/mel"), run.result.mel(), o.tol(1e-3));
        report.compareAudio("out/wave", g.raw("out/wave"), new Tensor(run.result.wave(), run.result.wave().length), o.tol(1e-3), 60);
    }

    /** How the text was cut and each chunk's frame count, as recorded: exact (they follow from the inputs). */
    private static void compareChunks(GoldenFile g, Synthesizer.Result r, GoldenReport report) {
        com.google.gson.JsonElement chunks = g.metaJson("chunks");
        if (chunks == null) return;
        JsonArray want = chunks.getAsJsonArray();
        report.compareExact("chunk count", new long[] {want.size()}, new long[] {r.chunks().size()});
        for (int i = 0; i < Math.min(want.size(), r.chunks().size()); i++) {
            JsonObject w = want.get(i).getAsJsonObject();
            Synthesizer.ChunkInfo c = r.chunks().get(i);
            report.compareText("chunks[" + i + "].text_chars", w.get("text_chars").getAsString(), c.tokenText());
            report.compareExact("chunks[" + i + "].duration", new long[] {w.get("duration").getAsLong()}, new long[] {c.duration()});
        }
    }

    /** Everything one replay produces. */
    private record Run(Synthesizer.Result result, Tensor refPreprocessed, long[] ids, Tensor y0, Map<String, Tensor> acts) {}

    private static Run run(Path model, Path vocoder, Path refAudio, String refText, String text, long seed,
                           SynthSettings s, String taps, Backend backend) {
        Reference ref = Reference.load(refAudio, refText, m -> { });
        Synthesizer synth = Synthesizer.load(model, vocoder, backend);
        List<String> chunks = Synthesizer.chunkText(ref, text, s.speed());
        Trace trace = new Trace(taps(taps));
        Synthesizer.Result r = synth.synthesize(ref, chunks, i -> seed + i, s, Synthesizer.Listener.NONE, trace);
        Synthesizer.ChunkInfo first = r.chunks().getFirst();
        long[] ids = synth.ids(first.tokens());
        int mel = synth.config().melSpec().nMels();
        // CFM.sample's start noise for chunk 0: torch.manual_seed(seed); torch.randn(duration, n_mels)
        Tensor y0 = new Tensor(new TorchRandom(first.seed()).randn(first.duration() * mel), first.duration(), mel);
        return new Run(r, channels(ref), ids, y0, trace.recorded());
    }

    /** Comma-separated globs ({@code *} any run, {@code ?} one character) over module paths. */
    static Predicate<String> taps(String spec) {
        List<Pattern> ps = new ArrayList<>();
        for (String g : spec.split(",")) {
            g = g.strip();
            if (g.isEmpty()) continue;
            ps.add(Pattern.compile(Pattern.quote(g).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q")));
        }
        if (ps.isEmpty()) throw new F5jException("--taps '" + spec + "': no module pattern");
        return m -> ps.stream().anyMatch(p -> p.matcher(m).matches());
    }

    private static Tensor channels(Reference ref) {
        int c = ref.channels().length, n = ref.samples();
        float[] d = new float[c * n];
        for (int i = 0; i < c; i++) System.arraycopy(ref.channels()[i], 0, d, i * n, n);
        return new Tensor(d, c, n);
    }

    private static String chunksJson(Synthesizer.Result r) {
        JsonArray a = new JsonArray();
        for (Synthesizer.ChunkInfo c : r.chunks()) {
            JsonObject o = new JsonObject();
            o.addProperty("text", c.text());
            o.addProperty("text_chars", c.tokenText());
            o.addProperty("duration", c.duration());
            o.addProperty("seed", c.seed());
            a.add(o);
        }
        return new Gson().toJson(a);
    }

    public static String modelDigest(Path model) { return Converter.sha256(model.resolve(ModelDir.MODEL)); }

    public static String vocoderDigest(Path vocoder) {
        Path bin = vocoder.resolve("pytorch_model.bin");
        return Converter.sha256(Files.isRegularFile(bin) ? bin : vocoder.resolve("model.safetensors"));
    }

    private static void digest(GoldenReport report, String key, String recorded, String now, Path where) {
        if (recorded.equals(now)) {
            report.pass("meta/" + key, "", "same weights (" + now.substring(0, 12) + "…)");
        } else {
            report.fail("meta/" + key, key.replace("_digest", "") + " digest differs: recorded " + recorded.substring(0, 12)
                    + "…, now " + now.substring(0, 12) + "… (" + where + "): these are not the weights that were recorded");
        }
    }

    private static void requireFolder(GoldenFile g, Path dir, String key, String option) {
        if (!Files.isDirectory(dir)) {
            throw new F5jException(g.path() + ": the " + key + " folder it names, " + dir + ", does not exist; pass "
                    + option + " DIR to replay it on another folder");
        }
    }

    /** The folder as seen from the recording's folder, when both are on one file system root. */
    static String relative(Path from, Path to) {
        Path abs = to.toAbsolutePath().normalize();
        try {
            return from.relativize(abs).toString();
        } catch (IllegalArgumentException e) {
            return abs.toString();
        }
    }

    private static Double nullableDouble(String v) { return v.equals("null") ? null : Double.valueOf(v); }

    private static void deleteQuietly(Path dir) {
        if (dir == null) return;
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try { Files.deleteIfExists(p); } catch (IOException ignored) { }
            });
        } catch (IOException ignored) { }
    }
}

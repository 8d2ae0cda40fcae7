package f5j.infer;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import f5j.golden.GoldenFile;
import f5j.golden.GoldenKind;
import f5j.golden.GoldenReport;
import f5j.golden.VerifyOptions;
import f5j.tensor.Tensor;
import f5j.trace.Trace;
import f5j.util.F5jException;
import f5j.weights.Converter;
import f5j.weights.ModelDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Golden kind {@value SynthRecorder#KIND} (what {@code ./f5j golden record} writes, see {@link SynthRecorder}):
 * replays the recorded synthesis — the embedded reference WAV, the texts, seed and every setting from the
 * metadata — on the model and vocoder folders it names (or {@code --model}/{@code --vocoder}) and compares:
 * weight digests (a difference is a failed check, the numbers are still compared so the first divergent layer
 * shows), token ids and start noise exactly, the preprocessed reference, the reference mel and the
 * activations within 1e-4, the generated mel within 1e-3 and the wave within 1e-3 or 60 dB SNR.
 */
public final class SynthGoldenKind implements GoldenKind {
    static final double TOL_LAYER = 1e-4, TOL_OUT = 1e-3, MIN_SNR_DB = 60;

    @Override
    public String kind() { return SynthRecorder.KIND; }

    @Override
    public void verify(GoldenFile g, VerifyOptions options, GoldenReport report) {
        Path model = options.model() != null ? options.model() : folder(g, "model", "--model");
        Path vocoder = options.vocoder() != null ? options.vocoder() : folder(g, "vocoder", "--vocoder");
        SynthRecorder.requireFolder(model, "--model", ModelDir.MODEL, ModelDir.CONFIG, ModelDir.VOCAB);
        SynthRecorder.requireFolder(vocoder, "--vocoder", "config.yaml", "pytorch_model.bin");
        digest(report, "meta/model_digest", "model", g.meta("model_digest"), model.resolve(ModelDir.MODEL));
        digest(report, "meta/vocoder_digest", "vocoder", g.meta("vocoder_digest"), vocoder.resolve("pytorch_model.bin"));
        report.pass("meta/replay", "", "recorded with f5j " + g.meta("f5j_version") + " on " + g.meta("backend")
                + " (" + g.meta("precision") + "), replayed with f5j " + Converter.F5J_VERSION + " on "
                + options.backend().name() + " (fp32)");

        SynthSettings s = settings(g);
        long seed = parseLong(g, "seed");
        Reference ref = embeddedReference(g);
        report.compareText("ref_text_fixed", g.requireMeta("ref_text_fixed"), ref.text());
        List<String> chunks = Synthesizer.chunkText(ref, g.requireMeta("gen_text"), s.speed());
        JsonArray want = g.metaJson("chunks").getAsJsonArray();
        report.compareExact("chunk count", new long[] {want.size()}, new long[] {chunks.size()});
        if (chunks.size() != want.size()) {
            report.compare("out/ref_preprocessed", g.raw("out/ref_preprocessed"), SynthRecorder.channels(ref), options.tol(TOL_LAYER));
            return;
        }

        Synthesizer synth = Synthesizer.load(model, vocoder, options.backend());
        Trace trace = Trace.globs(g.requireMeta("taps"));
        SynthRecorder.Capture cap = new SynthRecorder.Capture();
        Synthesizer.Result r = synth.synthesize(ref, chunks, i -> seed + i, s, cap, trace);
        for (int i = 0; i < want.size(); i++) {
            JsonObject w = want.get(i).getAsJsonObject();
            Synthesizer.ChunkInfo c = r.chunks().get(i);
            report.compareText("chunks[" + i + "].text_chars", w.get("text_chars").getAsString(), c.tokenText());
            report.compareExact("chunks[" + i + "].duration", new long[] {w.get("duration").getAsLong()}, new long[] {c.duration()});
            if (g.has("inputs/text#" + i)) report.compareExact("inputs/text#" + i, g.raw("inputs/text#" + i).toLongs(), cap.ids.get(i));
        }
        if (g.has("inputs/y0")) report.compare("inputs/y0", g.raw("inputs/y0"), cap.y0, options.tol(0));
        for (String name : g.expectedNames()) {
            Tensor mine = switch (name) {
                case "out/ref_preprocessed" -> SynthRecorder.channels(ref);
                case "out/cond" -> cap.cond;
                case "out/mel" -> r.mel();
                case "out/wave" -> new Tensor(r.wave(), r.wave().length);
                default -> name.startsWith("act/") ? trace.recorded().get(name.substring(4)) : null;
            };
            if (name.equals("out/wave")) {
                report.compareAudio(name, g.raw(name), mine, options.tol(TOL_OUT), MIN_SNR_DB);
            } else {
                report.compare(name, g.raw(name), mine, options.tol(name.equals("out/mel") ? TOL_OUT : TOL_LAYER));
            }
        }
    }

    /** The settings the metadata lists. */
    static SynthSettings settings(GoldenFile g) {
        String sway = g.requireMeta("sway_sampling_coef"), fix = g.requireMeta("fix_duration");
        return new SynthSettings((int) parseLong(g, "nfe"), parseDouble(g, "cfg_strength"),
                sway.equals("null") ? null : Double.valueOf(sway), parseDouble(g, "speed"),
                fix.equals("null") ? null : Double.valueOf(fix), parseDouble(g, "target_rms"),
                parseDouble(g, "cross_fade"), g.requireMeta("method"));
    }

    /** The reference preprocessed from the WAV bytes the recording holds. */
    static Reference embeddedReference(GoldenFile g) {
        if (!g.has("inputs/ref_wav")) throw new F5jException(g.path() + ": has no inputs/ref_wav (the reference audio)");
        byte[] wav = g.raw("inputs/ref_wav").bytes();
        Path tmp = null;
        try {
            tmp = Files.createTempFile("f5j-ref", ".wav");
            Files.write(tmp, wav);
            Reference r = Reference.load(tmp, g.requireMeta("ref_text"), m -> { });
            return new Reference(r.channels(), r.sampleRate(), r.text(), g.path() + " inputs/ref_wav");
        } catch (IOException e) {
            throw new F5jException(g.path() + ": cannot stage the reference audio in a temporary file (" + e.getMessage() + ")");
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    /** The folder metadata {@code key} names: relative to the recording's folder, else the absolute path stored beside it. */
    static Path folder(GoldenFile g, String key, String option) {
        Path rel = g.dir().resolve(g.requireMeta(key)).normalize();
        if (Files.isDirectory(rel)) return rel;
        String abs = g.meta(key + "_abs");
        if (abs != null && Files.isDirectory(Path.of(abs))) return Path.of(abs);
        throw new F5jException(g.path() + ": the " + key + " folder it was recorded with is missing: " + rel
                + (abs != null && !Path.of(abs).equals(rel) ? " (nor " + abs + ")" : "") + "; pass " + option + " DIR");
    }

    private static void digest(GoldenReport report, String name, String what, String recorded, Path file) {
        if (recorded == null) {
            report.skip(name, "no " + what + " digest recorded");
            return;
        }
        String now = Converter.sha256(file);
        if (now.equals(recorded)) report.pass(name, "sha256", "same " + what + " weights");
        else report.fail(name, what + " digest differs: recorded " + recorded + ", now " + now);
    }

    private static long parseLong(GoldenFile g, String key) {
        try {
            return Long.parseLong(g.requireMeta(key));
        } catch (NumberFormatException e) {
            throw new F5jException(g.path() + ": metadata '" + key + "' is not an integer: " + g.meta(key));
        }
    }

    private static double parseDouble(GoldenFile g, String key) {
        try {
            return Double.parseDouble(g.requireMeta(key));
        } catch (NumberFormatException e) {
            throw new F5jException(g.path() + ": metadata '" + key + "' is not a number: " + g.meta(key));
        }
    }
}

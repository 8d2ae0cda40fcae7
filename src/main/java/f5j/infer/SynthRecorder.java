package f5j.infer;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import f5j.compute.Backend;
import f5j.sampler.SampleResult;
import f5j.tensor.DType;
import f5j.tensor.Tensor;
import f5j.trace.Trace;
import f5j.util.F5jException;
import f5j.weights.Converter;
import f5j.weights.ModelDir;
import f5j.weights.RawTensor;
import f5j.weights.SafeTensors;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code ./f5j golden record}: one run of the synth pipeline written as a golden of kind {@value #KIND}, in the
 * format of the shared goldens, replayable by {@link SynthGoldenKind} from the file and the model folders alone.
 * <ul>
 * <li>{@code inputs/ref_wav} the reference WAV file byte for byte (U8), {@code inputs/text#i} chunk i's token
 * ids, {@code inputs/y0} the start noise of chunk 0 ({@code frames × nMels});</li>
 * <li>{@code out/ref_preprocessed} the trimmed reference ({@code channels × samples}), {@code out/cond} the
 * reference mel the DiT is conditioned on ({@code 1 × frames × nMels}), {@code out/mel} the generated mel of
 * all chunks ({@code nMels × frames}), {@code out/wave} the final audio;</li>
 * <li>{@code act/MODULE#K} the tapped DiT modules during the first DiT call of chunk 0.</li>
 * </ul>
 * Metadata: the model and vocoder folders (relative to the file's folder, plus absolute unless
 * {@code portable}: recordings kept in a repository beside their model), their weight
 * digests (sha256), every synthesis parameter, the taps, f5j version, backend and precision.
 */
public final class SynthRecorder {
    public static final String KIND = "f5j_synth";

    /** Module paths are relative to the DiT; "*" taps every module. */
    public static final String ALL_TAPS = "*";

    private SynthRecorder() {}

    public record Request(Path model, Path vocoder, Path refAudio, String refText, String text, long seed,
                          SynthSettings settings, String taps, Backend backend, Path out,
                          boolean portable) {}

    public record Summary(Path file, int chunks, int activations, long bytes, double seconds) {}

    public static Summary record(Request q, Consumer<String> log) {
        requireFolder(q.model(), "--model", ModelDir.MODEL, ModelDir.CONFIG, ModelDir.VOCAB);
        requireFolder(q.vocoder(), "--vocoder", "config.yaml", "pytorch_model.bin");
        byte[] wav = readAll(q.refAudio());
        Reference ref = Reference.load(q.refAudio(), q.refText(), log);
        Synthesizer synth = Synthesizer.load(q.model(), q.vocoder(), q.backend());
        List<String> chunks = Synthesizer.chunkText(ref, q.text(), q.settings().speed());

        Trace trace = Trace.globs(q.taps());
        Capture cap = new Capture();
        Synthesizer.Result r = synth.synthesize(ref, chunks, i -> q.seed() + i, q.settings(), cap, trace);
        Map<String, Tensor> acts = trace.recorded();
        if (acts.isEmpty() && !tapsNone(q.taps())) {
            throw new F5jException("--taps " + q.taps() + ": matches no DiT module (module paths look like "
                    + "'transformer_blocks.0.attn', 'time_embed', 'proj_out'; use '*' for all, 'none' for no activations)");
        }

        List<RawTensor> tensors = new ArrayList<>();
        tensors.add(new RawTensor("inputs/ref_wav", DType.U8, new long[] {wav.length}, MemorySegment.ofArray(wav)));
        for (int i = 0; i < cap.ids.size(); i++) {
            long[] ids = cap.ids.get(i);
            tensors.add(RawTensor.ofLongs("inputs/text#" + i, ids, 1, ids.length));
        }
        tensors.add(RawTensor.of("inputs/y0", cap.y0));
        tensors.add(RawTensor.of("out/ref_preprocessed", channels(ref)));
        tensors.add(RawTensor.of("out/cond", cap.cond));
        acts.forEach((k, v) -> tensors.add(RawTensor.of("act/" + k, v)));
        tensors.add(RawTensor.of("out/mel", r.mel()));
        tensors.add(RawTensor.of("out/wave", new Tensor(r.wave(), r.wave().length)));

        Path dir = q.out().toAbsolutePath().normalize().getParent();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("kind", KIND);
        meta.put("what", "f5j synth (upstream infer_process) on the reference and texts below, chunk i sampled with "
                + "seed + i; act/ = the DiT modules during the first ODE function evaluation of chunk 0");
        meta.put("model", relative(dir, q.model()));
        if (!q.portable()) meta.put("model_abs", absolute(q.model()));
        meta.put("model_digest", Converter.sha256(q.model().resolve(ModelDir.MODEL)));
        meta.put("vocoder", relative(dir, q.vocoder()));
        if (!q.portable()) meta.put("vocoder_abs", absolute(q.vocoder()));
        meta.put("vocoder_digest", Converter.sha256(q.vocoder().resolve("pytorch_model.bin")));
        meta.put("ref_audio", q.portable() ? relative(dir, q.refAudio()) : absolute(q.refAudio()));
        meta.put("ref_text", q.refText());
        meta.put("ref_text_fixed", ref.text());
        meta.put("gen_text", q.text());
        SynthSettings s = q.settings();
        meta.put("seed", Long.toString(q.seed()));
        meta.put("nfe", Integer.toString(s.nfe()));
        meta.put("cfg_strength", Double.toString(s.cfgStrength()));
        meta.put("sway_sampling_coef", s.swaySamplingCoef() == null ? "null" : Double.toString(s.swaySamplingCoef()));
        meta.put("speed", Double.toString(s.speed()));
        meta.put("method", s.method());
        meta.put("target_rms", Double.toString(s.targetRms()));
        meta.put("cross_fade", Double.toString(s.crossFadeSeconds()));
        meta.put("fix_duration", s.fixDuration() == null ? "null" : Double.toString(s.fixDuration()));
        meta.put("taps", q.taps());
        meta.put("chunks", chunkJson(r.chunks()));
        meta.put("f5j_version", Converter.F5J_VERSION);
        meta.put("backend", q.backend().name());
        meta.put("precision", "fp32");
        SafeTensors.write(q.out(), tensors, meta);
        long bytes;
        try {
            bytes = Files.size(q.out());
        } catch (IOException e) {
            bytes = -1;
        }
        return new Summary(q.out(), chunks.size(), acts.size(), bytes, r.seconds());
    }

    static boolean tapsNone(String taps) {
        for (String p : taps.split(",")) if (!p.isBlank() && !p.strip().equals("none")) return false;
        return true;
    }

    /** Collects what the recording needs from each sampled chunk. */
    static final class Capture implements Synthesizer.Listener {
        final List<long[]> ids = new ArrayList<>();
        Tensor cond, y0;

        @Override
        public void chunkSampled(int index, long[] chunkIds, Tensor condMel, SampleResult result) {
            ids.add(chunkIds.clone());
            if (index != 0) return;
            cond = condMel.copy();
            int frames = result.trajectory().dim(2), mels = result.trajectory().dim(3);
            float[] start = new float[frames * mels];
            System.arraycopy(result.trajectory().data, 0, start, 0, start.length);
            y0 = new Tensor(start, frames, mels);
        }
    }

    static String chunkJson(List<Synthesizer.ChunkInfo> chunks) {
        JsonArray a = new JsonArray();
        for (Synthesizer.ChunkInfo c : chunks) {
            JsonObject o = new JsonObject();
            o.addProperty("text", c.text());
            o.addProperty("text_chars", c.tokenText());
            o.addProperty("seed", c.seed());
            o.addProperty("duration", c.duration());
            a.add(o);
        }
        return a.toString();
    }

    /** The trimmed reference as {@code channels × samples}. */
    static Tensor channels(Reference ref) {
        int c = ref.channels().length, n = ref.samples();
        float[] d = new float[c * n];
        for (int i = 0; i < c; i++) System.arraycopy(ref.channels()[i], 0, d, i * n, n);
        return new Tensor(d, c, n);
    }

    /** {@code target} relative to {@code dir} (so a recording kept beside its model moves with it), else absolute. */
    static String relative(Path dir, Path target) {
        Path abs = target.toAbsolutePath().normalize();
        try {
            return dir.relativize(abs).toString();
        } catch (IllegalArgumentException e) {
            return abs.toString();
        }
    }

    static String absolute(Path p) { return p.toAbsolutePath().normalize().toString(); }

    static void requireFolder(Path dir, String option, String... files) {
        if (!Files.isDirectory(dir)) throw new F5jException(option + " " + dir + ": no such folder");
        for (String f : files) {
            if (!Files.isRegularFile(dir.resolve(f))) throw new F5jException(option + " " + dir + ": has no " + f);
        }
    }

    private static byte[] readAll(Path f) {
        if (!Files.isRegularFile(f)) throw new F5jException("--ref-audio " + f + ": no such file");
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new F5jException("--ref-audio " + f + ": cannot read (" + e.getMessage() + ")");
        }
    }
}

package f5j.golden;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import f5j.infer.Reference;
import f5j.infer.SynthSettings;
import f5j.infer.Synthesizer;
import f5j.tensor.Tensor;

import java.nio.file.Path;
import java.util.List;

/**
 * Golden kind {@code infer_process}: the whole upstream inference path on the file's reference clip and
 * texts — the preprocessed reference (1e-4), the chunking (texts as the model saw them, durations, exact),
 * the generated mel (1e-3) and the final wave (1e-3 relative or 60 dB SNR) — with each chunk sampled from
 * the seed the metadata lists, and upstream's settings for these files (nfe 8, cfg 2, sway −1, speed 1).
 */
public final class InferProcessKind implements GoldenKind {
    static final SynthSettings GOLDEN_SETTINGS = new SynthSettings(8, 2.0, -1.0, 1.0, null, 0.1, 0.15, "euler");

    @Override
    public String kind() { return "infer_process"; }

    @Override
    public void verify(GoldenFile g, VerifyOptions options, GoldenReport report) {
        Path model = options.model() != null ? options.model() : g.dir();
        Path vocoder = options.vocoder() != null ? options.vocoder() : g.dir().resolve(g.requireMeta("vocoder")).normalize();
        Reference ref = Reference.load(g.dir().resolve(g.requireMeta("ref_file")).normalize(), g.requireMeta("ref_text_in"), s -> { });
        report.compareText("ref_text_fixed", g.requireMeta("ref_text_fixed"), ref.text());
        report.compare("out/ref_preprocessed", g.raw("out/ref_preprocessed"), channelsTensor(ref), options.tol(1e-4));

        List<String> chunks = Synthesizer.chunkText(ref, g.requireMeta("gen_text"), GOLDEN_SETTINGS.speed());
        JsonArray want = g.metaJson("chunks").getAsJsonArray();
        long[] seeds = new long[want.size()];
        for (int i = 0; i < seeds.length; i++) seeds[i] = want.get(i).getAsJsonObject().get("seed").getAsLong();
        report.compareExact("chunk count", new long[] {want.size()}, new long[] {chunks.size()});
        if (chunks.size() != want.size()) return;

        Synthesizer synth = Synthesizer.load(model, vocoder, options.backend());
        Synthesizer.Result r = synth.synthesize(ref, chunks, i -> seeds[(int) i], GOLDEN_SETTINGS, Synthesizer.Listener.NONE);
        for (int i = 0; i < want.size(); i++) {
            JsonObject w = want.get(i).getAsJsonObject();
            Synthesizer.ChunkInfo c = r.chunks().get(i);
            report.compareText("chunks[" + i + "].text_chars", w.get("text_chars").getAsString(), c.tokenText());
            report.compareExact("chunks[" + i + "].duration", new long[] {w.get("duration").getAsLong()}, new long[] {c.duration()});
        }
        report.compare("out/mel", g.raw("out/mel"), r.mel(), options.tol(1e-3));
        report.compareAudio("out/wave", g.raw("out/wave"), new Tensor(r.wave(), r.wave().length), options.tol(1e-3), 60);
    }

    private static Tensor channelsTensor(Reference ref) {
        int c = ref.channels().length, n = ref.samples();
        float[] d = new float[c * n];
        for (int i = 0; i < c; i++) System.arraycopy(ref.channels()[i], 0, d, i * n, n);
        return new Tensor(d, c, n);
    }
}

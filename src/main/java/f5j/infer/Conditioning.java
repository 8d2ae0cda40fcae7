package f5j.infer;

import f5j.audio.MelSpectrogram;
import f5j.audio.Resampler;
import f5j.config.MelSpecConfig;
import f5j.tensor.Tensor;
import f5j.text.PinyinConverter;
import f5j.text.Vocab;
import f5j.sampler.CfmSampler;
import f5j.util.F5jException;

import java.util.List;

/**
 * What upstream {@code infer_batch_process} conditions the sampler on, computed once for {@code synth},
 * {@code golden record} and the audit: the reference mixed to mono, its loudness raised to {@code target_rms}
 * (never lowered), resampled to the model's rate, its mel; the text prepended to every chunk; and per chunk
 * the tokens, ids and the byte-count duration.
 *
 * @param wave      the conditioned reference at the model's rate (after the raise)
 * @param mel       its mel, {@code 1 × n × nMels} (n = samples / hop + 1, the centred STFT)
 * @param refFrames {@code samples // hop}: what upstream counts as the reference's length
 * @param rms       the reference's rms before the raise
 * @param raised    whether the loudness was raised (then the generated wave is scaled back by {@link #undoRaise})
 * @param refText   the batch reference text ({@link InferText#batchRefText}) prepended to every chunk
 */
public record Conditioning(float[] wave, Tensor mel, int refFrames, float rms, boolean raised, double targetRms,
                           String refText, String source) {

    /** One chunk as the sampler gets it: its tokens (reference text + chunk), their ids and the total frames. */
    public record Chunk(String text, List<String> tokens, long[] ids, int duration) {}

    public static Conditioning of(Reference ref, MelSpecConfig mc, double targetRms) {
        float[] audio = mono(ref.channels());
        float rms = rms(audio);
        boolean raised = rms < (float) targetRms;
        if (raised) {
            float target = (float) targetRms;
            for (int i = 0; i < audio.length; i++) audio[i] = audio[i] * target / rms;
        }
        if (ref.sampleRate() != mc.sampleRate()) audio = Resampler.resample(audio, ref.sampleRate(), mc.sampleRate());
        int refFrames = audio.length / mc.hopLength();
        if (refFrames < 1) throw new F5jException(ref.source() + ": the reference audio is shorter than one mel frame");
        Tensor mel = new MelSpectrogram(mc).compute(audio).transposeLast2();
        return new Conditioning(audio, mel, refFrames, rms, raised, targetRms, InferText.batchRefText(ref.text()), ref.source());
    }

    /** The chunk's tokens ({@code convert_char_to_pinyin(ref_text + chunk)}), ids and duration, as infer_batch_process. */
    public Chunk chunk(String gen, Vocab vocab, double speed, Double fixDuration) {
        List<String> tokens = PinyinConverter.convert(refText + gen);
        long[] ids = vocab.ids(tokens);
        int duration = InferText.duration(refFrames, refText, gen, speed, fixDuration);
        return new Chunk(gen, List.copyOf(tokens), ids, CfmSampler.duration(duration, mel.dim(1), ids));
    }

    /** infer_batch_process scales the generated wave back by {@code rms / target_rms} when it raised the reference. */
    public void undoRaise(float[] generated) {
        if (!raised) return;
        float target = (float) targetRms;
        for (int i = 0; i < generated.length; i++) generated[i] = generated[i] * rms / target;
    }

    /** {@code torch.mean(audio, dim=0)}: the channel sum divided by the count, in float32. */
    public static float[] mono(float[][] ch) {
        if (ch.length == 1) return ch[0].clone();
        float[] m = new float[ch[0].length];
        for (int i = 0; i < m.length; i++) {
            float sum = 0;
            for (float[] c : ch) sum += c[i];
            m[i] = sum / ch.length;
        }
        return m;
    }

    /** {@code torch.sqrt(torch.mean(torch.square(audio)))} with float32 squares. */
    public static float rms(float[] x) {
        double sum = 0;
        for (float v : x) sum += (double) (v * v);
        return (float) Math.sqrt((float) (sum / x.length));
    }
}

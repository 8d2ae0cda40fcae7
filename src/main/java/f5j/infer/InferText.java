package f5j.infer;

import f5j.text.PyStr;
import f5j.text.TextChunker;
import f5j.util.F5jException;

import java.util.List;

/**
 * The text and length arithmetic of upstream's {@code preprocess_ref_audio_text} / {@code infer_process} /
 * {@code infer_batch_process}, with Python's float order of operations and {@code int()} truncation. All
 * text lengths are UTF-8 byte counts.
 */
public final class InferText {
    public static final int TARGET_SAMPLE_RATE = 24000;
    public static final int HOP_LENGTH = 256;
    /** Upstream slows a chunk shorter than this many bytes to speed 0.3. */
    public static final int SHORT_TEXT_BYTES = 10;
    public static final double SHORT_TEXT_SPEED = 0.3;

    private InferText() {}

    /**
     * preprocess_ref_audio_text's ending fix: a reference text that does not end in ". " or "。" gets " "
     * after a final ".", else ". ".
     */
    public static String fixRefText(String refText) {
        if (refText.endsWith(". ") || refText.endsWith("。")) return refText;
        return refText.endsWith(".") ? refText + " " : refText + ". ";
    }

    /**
     * infer_batch_process adds one more space when the (already fixed) reference text ends in an ASCII
     * character, which a fixed text ending in ". " always does: "Roma. " becomes "Roma.  ". This text is
     * the one prepended to every chunk and the one whose length enters {@link #duration}.
     */
    public static String batchRefText(String fixedRefText) {
        if (fixedRefText.isEmpty()) throw new F5jException("reference text is empty");
        return PyStr.utf8Length(PyStr.last(fixedRefText)) == 1 ? fixedRefText + " " : fixedRefText;
    }

    /**
     * infer_process's chunk size: {@code int(len(ref_text bytes) / ref_seconds * (22 - ref_seconds) * speed)},
     * with ref_seconds the preprocessed reference's length (samples per channel at its own rate, before
     * resampling). A reference of 22 s or more gives 0 or less: every sentence becomes its own chunk.
     */
    public static int maxChars(String fixedRefText, long refSamples, int refSampleRate, double speed) {
        if (refSamples <= 0) throw new F5jException("reference audio is empty");
        double seconds = (double) refSamples / refSampleRate;
        return (int) (PyStr.utf8Length(fixedRefText) / seconds * (22 - seconds) * speed);
    }

    /**
     * chunk_text(gen_text, max_chars) with {@link #maxChars}. An empty or blank text is an error here
     * (upstream returns no audio for "" and synthesizes an empty chunk for blanks).
     */
    public static List<String> chunks(String genText, String fixedRefText, long refSamples, int refSampleRate,
                                      double speed) {
        if (PyStr.strip(genText).isEmpty()) throw new F5jException("text to synthesize is empty");
        List<String> chunks = TextChunker.chunk(genText, maxChars(fixedRefText, refSamples, refSampleRate, speed));
        return chunks;
    }

    /** The speed used for one chunk: 0.3 when the chunk is under 10 UTF-8 bytes, else {@code speed}. */
    public static double localSpeed(String chunk, double speed) {
        return PyStr.utf8Length(chunk) < SHORT_TEXT_BYTES ? SHORT_TEXT_SPEED : speed;
    }

    /** Mel frames of the reference: its 24 kHz sample count // hop length. */
    public static int refFrames(long samples24k) { return (int) (samples24k / HOP_LENGTH); }

    /**
     * Total frames (reference + generated) for one chunk:
     * {@code ref_frames + int(ref_frames / len(ref_text bytes) * len(chunk bytes) / local_speed)}, where
     * ref_text is {@link #batchRefText}; or, with fixDuration seconds given (the total including the
     * reference), {@code int(fix_duration * 24000 / 256)}.
     */
    public static int duration(int refFrames, String batchRefText, String chunk, double speed, Double fixDuration) {
        if (fixDuration != null) return (int) (fixDuration * TARGET_SAMPLE_RATE / HOP_LENGTH);
        double local = localSpeed(chunk, speed);
        return refFrames + (int) ((double) refFrames / PyStr.utf8Length(batchRefText) * PyStr.utf8Length(chunk) / local);
    }

    /**
     * The duration CFM.sample actually generates: at least one frame more than both the token count and the
     * reference's mel frames (which, center-padded, are samples / 256 + 1, one more than {@link #refFrames}),
     * at most 65536. So a --fix-duration shorter than the reference still yields one generated frame.
     */
    public static int sampleDuration(int requested, int textTokens, int condFrames) {
        return Math.min(Math.max(Math.max(textTokens, condFrames) + 1, requested), 65536);
    }

    /**
     * Samples after torchaudio's Resample: {@code ceil(new * n / orig)} with the rates divided by their gcd;
     * the quotient passes through float32 before the ceiling, as torch.as_tensor of a Python float does.
     */
    public static long resampledLength(long n, int orig, int target) {
        if (orig == target) return n;
        int g = gcd(orig, target);
        long o = orig / g, t = target / g;
        return (long) Math.ceil((float) ((double) (t * n) / o));
    }

    private static int gcd(int a, int b) { return b == 0 ? a : gcd(b, a % b); }
}

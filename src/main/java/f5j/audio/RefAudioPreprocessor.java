package f5j.audio;

import f5j.util.F5jException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Upstream {@code preprocess_ref_audio_text}: the reference clip cut to at most 12 s at a long
 * (1000 ms, −50 dBFS) or else a short (100 ms, −40 dBFS) silence, hard-cut at 12 s if neither works,
 * leading/trailing silence under −42 dBFS trimmed, 50 ms of silence appended — all on the file's
 * integer samples with pydub semantics. (The text half of that function is {@code InferText.fixRefText}.)
 * The result is what {@code torchaudio.load} gives of the WAV upstream exports.
 */
public final class RefAudioPreprocessor {
    static final long CLIP_MS = 12000, MIN_KEEP_MS = 6000;

    /** The preprocessed reference: per-channel samples as torchaudio reads them, and notes on what was done. */
    public record Result(float[][] channels, int sampleRate, PcmSegment segment, List<String> notes) {
        public int samples() { return channels[0].length; }

        public double seconds() { return (double) samples() / sampleRate; }
    }

    private RefAudioPreprocessor() {}

    public static Result process(Path wav) { return process(wav, s -> { }); }

    public static Result process(Path wav, Consumer<String> info) {
        PcmSegment in = AudioFiles.readPcm(wav); // WAV, FLAC, MP3 or Ogg Vorbis
        if (in.frames() == 0) throw new F5jException(wav + ": the reference audio is empty");
        List<String> notes = new ArrayList<>();
        PcmSegment kept = joinUpTo12s(Silence.splitOnSilence(in, 1000, -50, 1000, 10), notes, "(1)");
        if (kept.lengthMs() > CLIP_MS) {
            kept = joinUpTo12s(Silence.splitOnSilence(in, 100, -40, 1000, 10), notes, "(2)");
        }
        if (kept.lengthMs() > CLIP_MS) {
            kept = kept.slice(0, CLIP_MS);
            notes.add("Audio is over 12s, clipping short. (3)");
        }
        PcmSegment out = trimSilenceEdges(kept, -42).append(PcmSegment.silent(50));
        if (out.rms() == 0) {
            throw new F5jException(wav + ": the reference audio is silent (nothing above -50 dBFS after trimming)");
        }
        notes.forEach(info);
        return new Result(out.toFloatChannels(), out.frameRate(), out, List.copyOf(notes));
    }

    /** Appends the pieces to an empty pydub {@code silent(0)} while the 12 s rule allows. */
    private static PcmSegment joinUpTo12s(List<PcmSegment> pieces, List<String> notes, String tag) {
        PcmSegment acc = PcmSegment.silent(0);
        for (PcmSegment p : pieces) {
            PcmSegment next = acc.append(p);
            if (acc.lengthMs() > MIN_KEEP_MS && next.lengthMs() > CLIP_MS) {
                notes.add("Audio is over 12s, clipping short. " + tag);
                break;
            }
            acc = next;
        }
        return acc;
    }

    /** Upstream {@code remove_silence_edges}: leading, then trailing silence (found on the reversed audio). */
    static PcmSegment trimSilenceEdges(PcmSegment seg, double threshDb) {
        long start = Silence.detectLeadingSilence(seg, threshDb, 10);
        PcmSegment a = seg.slice(start, seg.lengthMs());
        long end = Silence.detectLeadingSilence(a.reverse(), threshDb, 10);
        return end > 0 ? a.slice(0, a.lengthMs() - end) : a;
    }
}

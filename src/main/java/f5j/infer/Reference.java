package f5j.infer;

import f5j.audio.RefAudioPreprocessor;
import f5j.util.F5jException;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The voice prompt: audio per channel (as {@code torchaudio.load} gives it, at its own rate) and its
 * transcript, already ending in ". " or "。" as upstream {@code preprocess_ref_audio_text} leaves it.
 */
public record Reference(float[][] channels, int sampleRate, String text, String source) {
    public Reference {
        if (channels.length == 0 || channels[0].length == 0) throw new F5jException(source + ": the reference audio is empty");
        if (text.isBlank()) {
            throw new F5jException(source + ": the reference text is empty; f5j does not transcribe audio "
                    + "(upstream uses Whisper), so pass the words spoken in the reference");
        }
    }

    public int samples() { return channels[0].length; }

    public double seconds() { return (double) samples() / sampleRate; }

    /** Upstream {@code preprocess_ref_audio_text}: the pydub-trimmed clip and the fixed text. */
    public static Reference load(Path wav, String refText, Consumer<String> info) {
        if (refText == null || refText.isBlank()) {
            throw new F5jException(wav + ": the reference text is empty; f5j does not transcribe audio "
                    + "(upstream uses Whisper), so pass the words spoken in the reference");
        }
        RefAudioPreprocessor.Result r = RefAudioPreprocessor.process(wav, info);
        return new Reference(r.channels(), r.sampleRate(), InferText.fixRefText(refText), wav.toString());
    }
}

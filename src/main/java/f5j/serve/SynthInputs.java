package f5j.serve;

import f5j.infer.Reference;
import f5j.infer.SynthSettings;
import f5j.infer.Synthesizer;
import f5j.util.F5jException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A synthesis request made ready to run: the reference read and preprocessed by the CLI's readers, the text
 * chunked, the settings checked; the same steps and defaults as {@code ./f5j synth}, so the same inputs give
 * the same file.
 */
record SynthInputs(Reference ref, String text, List<String> chunks, SynthSettings settings, long seed, String voice) {
    static final Set<String> VALUES = Set.of("text", "ref_text", "voice", "nfe", "cfg", "sway", "speed", "cross_fade",
            "target_rms", "fix_duration", "seed");
    static final Set<String> FILES = Set.of("ref_audio");

    static SynthInputs from(Inputs in, Path voices, Consumer<String> log) {
        String text = in.value("text");
        if (text == null || text.isBlank()) throw new HttpError(400, "text: the text to synthesise is empty");
        Inputs.Upload upload = in.file("ref_audio");
        String voice = in.value("voice");
        if ((upload == null) == (voice == null)) {
            throw new HttpError(400, "give the reference as ref_audio_base64 (JSON), a ref_audio file (multipart) or a voice name, exactly one");
        }
        String refText = in.value("ref_text");
        Reference ref;
        if (upload != null) {
            ref = loadUpload(upload, refText, log);
        } else {
            Path wav = Folders.file(voices, voice + ".wav", "voice");
            if (refText == null || refText.isBlank()) refText = voiceText(voices, voice);
            ref = Reference.load(wav, refText, log);
        }
        SynthSettings d = SynthSettings.defaults();
        Integer nfe = in.integer("nfe");
        Double cfg = in.number("cfg"), sway = in.number("sway"), speed = in.number("speed"), fade = in.number("cross_fade"),
                rms = in.number("target_rms"), fix = in.number("fix_duration");
        SynthSettings s = new SynthSettings(nfe != null ? nfe : d.nfe(), cfg != null ? cfg : d.cfgStrength(),
                sway != null ? sway : d.swaySamplingCoef(), speed != null ? speed : d.speed(), fix,
                rms != null ? rms : d.targetRms(), fade != null ? fade : d.crossFadeSeconds(), d.method());
        Long seed = in.longValue("seed");
        List<String> chunks = Synthesizer.chunkText(ref, text, s.speed());
        return new SynthInputs(ref, text, chunks, s, seed != null ? seed : ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE), voice);
    }

    /** The uploaded WAV through the CLI's reader; its messages name the upload, not the server's temporary file. */
    static Reference loadUpload(Inputs.Upload upload, String refText, Consumer<String> log) {
        try {
            Reference r = Reference.load(upload.file(), refText, log);
            return new Reference(r.channels(), r.sampleRate(), r.text(), upload.label());
        } catch (F5jException e) {
            throw new F5jException(e.getMessage().replace(upload.file().toString(), upload.label()));
        } finally {
            try {
                Files.deleteIfExists(upload.file());
            } catch (IOException ignored) { }
        }
    }

    private static String voiceText(Path voices, String voice) {
        Path txt = Folders.file(voices, voice + ".txt", "voice transcript");
        try {
            return Files.readString(txt, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new F5jException(txt + ": cannot read (" + e.getMessage() + ")");
        }
    }
}

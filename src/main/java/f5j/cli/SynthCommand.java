package f5j.cli;

import f5j.infer.SynthSettings;
import f5j.util.F5jException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

@Command(name = "synth", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Speak TEXT in the voice of a reference clip (upstream infer_process).",
                "The reference is trimmed to at most 12 s as upstream does; long text is cut into chunks that are "
                        + "joined with cross-fades. Chunk i is sampled with seed SEED + i."})
final class SynthCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "DIR", description = "model folder: model.safetensors + model.yaml + vocab.txt "
            + "(default: the bundled weights/f5tts-tiny-v1, random weights)") Path model;
    @Option(names = "--vocoder", paramLabel = "DIR", description = "Vocos folder: config.yaml + pytorch_model.bin "
            + "(default: the bundled weights/vocos-tiny)") Path vocoder;
    @Option(names = "--ref-audio", required = true, paramLabel = "WAV", description = "reference voice clip (WAV)") Path refAudio;
    @Option(names = "--ref-text", required = true, paramLabel = "T", description = "the words spoken in the reference") String refText;

    @ArgGroup(exclusive = true, multiplicity = "1") TextSource text;

    static final class TextSource {
        @Option(names = "--text", paramLabel = "T", description = "text to speak") String text;
        @Option(names = "--text-file", paramLabel = "F", description = "UTF-8 file with the text to speak") Path file;
    }

    @Option(names = "--out", required = true, paramLabel = "WAV", description = "output WAV (24 kHz, 16-bit)") Path out;
    @Option(names = "--nfe", defaultValue = "32", description = "ODE steps (default ${DEFAULT-VALUE})") int nfe;
    @Option(names = "--cfg", defaultValue = "2", description = "classifier-free guidance strength (default ${DEFAULT-VALUE})") double cfg;
    @Option(names = "--sway", defaultValue = "-1", description = "sway sampling coefficient (default ${DEFAULT-VALUE})") double sway;
    @Option(names = "--speed", defaultValue = "1", description = "speech speed factor (default ${DEFAULT-VALUE})") double speed;
    @Option(names = "--cross-fade", defaultValue = "0.15", paramLabel = "S", description = "cross-fade between chunks in seconds (default ${DEFAULT-VALUE})") double crossFade;
    @Option(names = "--target-rms", defaultValue = "0.1", description = "quiet references are raised to this rms (default ${DEFAULT-VALUE})") double targetRms;
    @Option(names = "--fix-duration", paramLabel = "S", description = "seconds of reference + generated audio per chunk, instead of the estimate") Double fixDuration;
    @Option(names = "--seed", paramLabel = "N", description = "sampling seed (default: random, printed)") Long seed;
    @Option(names = "--backend", defaultValue = "cpu", description = "cpu or tornado (default ${DEFAULT-VALUE})") String backend;

    @Override
    public Integer call() {
        String t = text.text != null ? text.text : readText(text.file);
        SynthSettings s = new SynthSettings(nfe, cfg, sway, speed, fixDuration, targetRms, crossFade, "euler");
        long sd = seed != null ? seed : ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE);
        SynthRun.run(model != null ? model : SynthRun.bundledModel(), vocoder != null ? vocoder : SynthRun.bundledVocoder(),
                refAudio, refText, t, sd, s, Backends.byName(backend), out, System.err);
        return 0;
    }

    private static String readText(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new F5jException("--text-file " + f + ": no such file");
        } catch (IOException e) {
            throw new F5jException("--text-file " + f + ": cannot read (" + e.getMessage() + ")");
        }
    }
}

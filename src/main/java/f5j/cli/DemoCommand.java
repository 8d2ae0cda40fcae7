package f5j.cli;

import f5j.infer.VoiceScript;
import f5j.util.F5jException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run synth end to end on the bundled tiny model, Vocos and reference clip.",
                "The bundled weights are random: this proves the pipeline runs, it does not speak."})
final class DemoCommand implements Callable<Integer> {
    static final String TEXT = "Olá, tudo bem? Eu sou uma voz sintética. Hoje o dia está lindo, "
            + "e eu vou passear no parque com os meus amigos.";

    @Option(names = "--out", defaultValue = "out/demo.wav", paramLabel = "WAV", description = "output WAV, or - for stdout (default ${DEFAULT-VALUE})") Path out;
    @Mixin SamplingOptions sampling;
    @Mixin SeedOption seed;
    @Mixin BackendOption backend;

    @Override
    public Integer call() {
        var settings = sampling.settings();
        Outputs.requireAudioExtension("--out", out);
        Outputs.requireWritable("--out", out);
        System.err.println("f5j demo: the bundled model and vocoder have RANDOM weights (the golden test model);");
        System.err.println("          this run proves the whole pipeline works, the output is noise, not speech.");
        System.err.println("          For real speech: ./f5j convert a published checkpoint, then ./f5j synth --model DIR ...");
        Path ref = SynthRun.home().resolve("weights/ref/ref_24k_mono.wav");
        String refText = readRefText(SynthRun.home().resolve("weights/ref/ref_24k_mono.txt"));
        ModelSource model = ModelSource.of(null, null, null, null, null, f5j.weights.Weights.EMA);
        SynthRun.run(new SynthRun.Job(model, SynthRun.bundledVocoder(), Map.of(VoiceScript.MAIN, new SynthRun.Voice(ref, refText, null)),
                TEXT, seed.orElse(0), settings, backend.backend(), out, false, null, true), System.err);
        return 0;
    }

    /** The words of the bundled clip, kept beside it. */
    private static String readRefText(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new F5jException(f + ": cannot read the bundled reference text (" + e.getMessage() + ")");
        }
    }
}

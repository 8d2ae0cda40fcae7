package f5j.cli;

import f5j.audio.WavFile;
import f5j.compute.Backend;
import f5j.infer.Reference;
import f5j.infer.SynthSettings;
import f5j.infer.Synthesizer;
import f5j.util.F5jException;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** One synthesis from the command line, shared by {@code synth} and {@code demo}: load, generate, write, report. */
final class SynthRun {
    private SynthRun() {}

    /** The folder the launcher runs from (bundled weights live under it). */
    static Path home() { return Path.of(System.getProperty("f5j.home", ".")); }

    static Path bundledModel() { return home().resolve("weights/f5tts-tiny-v1"); }

    static Path bundledVocoder() { return home().resolve("weights/vocos-tiny"); }

    static void requireDir(Path dir, String option, String... files) {
        if (!Files.isDirectory(dir)) throw new F5jException(option + " " + dir + ": no such folder");
        for (String f : files) {
            if (!Files.isRegularFile(dir.resolve(f))) throw new F5jException(option + " " + dir + ": has no " + f);
        }
    }

    /** Runs the whole path and writes {@code out}; progress and the summary go to {@code log}. */
    static Synthesizer.Result run(Path model, Path vocoder, Path refAudio, String refText, String text, long seed,
                                  SynthSettings settings, Backend backend, Path out, PrintStream log) {
        requireDir(model, "--model", "model.yaml", "vocab.txt");
        requireDir(vocoder, "--vocoder", "config.yaml", "pytorch_model.bin");
        if (!Files.isRegularFile(refAudio)) throw new F5jException("--ref-audio " + refAudio + ": no such file");
        if (text == null || text.isBlank()) throw new F5jException("the text to synthesise is empty (--text or --text-file)");

        long t0 = System.nanoTime();
        Reference ref = Reference.load(refAudio, refText, m -> log.println(m));
        Synthesizer synth = Synthesizer.load(model, vocoder, backend);
        List<String> chunks = Synthesizer.chunkText(ref, text, settings.speed());
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        log.printf("reference: %.2f s at %d Hz, text \"%s\"%n", ref.seconds(), ref.sampleRate(), ref.text());
        log.printf("%d chunk(s), seed %d (chunk i uses seed %d + i)%n", chunks.size(), seed, seed);

        long t1 = System.nanoTime();
        Synthesizer.Result r;
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("synth").setInitialMax((long) chunks.size() * settings.nfe())
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(log))
                .setUpdateIntervalMillis(200).build()) {
            r = synth.synthesize(ref, chunks, i -> seed + i, settings, new Synthesizer.Listener() {
                @Override
                public void chunkStarted(int index, int count, String chunkText, int duration) {
                    bar.setExtraMessage("chunk " + (index + 1) + "/" + count + ", " + duration + " frames");
                }

                @Override
                public void stepDone() { bar.step(); }

                @Override
                public void unknownTokens(String warning) { log.println("warning: " + warning); }
            });
        }
        double synthSeconds = (System.nanoTime() - t1) / 1e9;
        WavFile.write(out, r.wave(), r.sampleRate());
        log.printf("wrote %s: %.2f s at %d Hz%n", out, r.seconds(), r.sampleRate());
        log.printf("load %.2f s, synthesis %.2f s, real-time factor %.3f (synthesis time / audio time)%n",
                loadSeconds, synthSeconds, synthSeconds / r.seconds());
        return r;
    }
}

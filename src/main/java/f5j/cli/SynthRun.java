package f5j.cli;

import f5j.audio.WavFile;
import f5j.compute.Backend;
import f5j.infer.Reference;
import f5j.infer.SilenceRemoval;
import f5j.infer.SynthSettings;
import f5j.infer.Synthesizer;
import f5j.infer.VoiceScript;
import f5j.util.F5jException;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One synthesis from the command line, shared by {@code synth} and {@code demo}: references loaded and the
 * text cut (voice segments, then chunks) before the model loads, so input errors come first; then generate,
 * write, report. Progress and the summary go to the log (stderr); the output's path to stdout.
 */
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

    /** A voice: its reference clip, the words spoken in it, and its own speed (null: the run's). */
    record Voice(Path refAudio, String refText, Double speed) {}

    /**
     * Everything a run needs. {@code voices} holds {@value VoiceScript#MAIN} and any {@code [voices.NAME]};
     * {@code chunkDir} (nullable) receives each voice segment's audio as upstream's --save_chunk does.
     */
    record Job(ModelSource model, Path vocoder, Map<String, Voice> voices, String text, long seed, SynthSettings settings,
               Backend backend, Path out, boolean removeSilence, Path chunkDir, boolean legacyText) {}

    /** One voice segment: who speaks it, its text, its chunks and, after the run, its audio and chunk details. */
    record Segment(String voice, String text, Reference ref, SynthSettings settings, List<String> chunks,
                   float[] wave, List<Synthesizer.ChunkInfo> infos) {}

    record Outcome(float[] wave, int sampleRate, List<Segment> segments) {
        double seconds() { return (double) wave.length / sampleRate; }
    }

    /** The voice segments of the text, each cut into chunks as upstream infer_process cuts it (no model needed). */
    static List<Segment> plan(Job job, PrintStream log) {
        if (job.text() == null || job.text().isBlank()) throw new F5jException("the text to synthesise is empty");
        Map<String, Reference> refs = new LinkedHashMap<>();
        List<Segment> out = new ArrayList<>();
        for (VoiceScript.Segment s : VoiceScript.split(job.text(), job.voices().keySet())) {
            if (s.note() != null && job.voices().size() > 1) log.println("note: \"" + abbreviate(s.text(), 40) + "\": " + s.note());
            Voice v = job.voices().get(s.voice());
            Reference ref = refs.computeIfAbsent(s.voice(), k -> {
                if (!Files.isRegularFile(v.refAudio())) throw new F5jException(v.refAudio() + ": no such file (reference audio of voice " + k + ")");
                return Reference.load(v.refAudio(), v.refText(), m -> log.println("note: " + v.refAudio() + ": " + m));
            });
            SynthSettings st = v.speed() != null ? job.settings().withSpeed(v.speed()) : job.settings();
            if (s.text().isEmpty()) continue; // a tag and nothing else: upstream makes no audio of it either
            out.add(new Segment(s.voice(), s.text(), ref, st, Synthesizer.chunkText(ref, s.text(), st.speed()), null, null));
        }
        if (out.isEmpty()) throw new F5jException("the text to synthesise is empty");
        return out;
    }

    /** Runs the whole path and writes {@code job.out()}; progress and the summary go to {@code log}. */
    static Outcome run(Job job, PrintStream log) {
        long t0 = System.nanoTime();
        List<Segment> plan = plan(job, log);
        Synthesizer synth = job.model().load(job.vocoder(), job.backend());
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        int totalChunks = plan.stream().mapToInt(s -> s.chunks().size()).sum();
        for (Segment s : plan) {
            log.printf(Locale.ROOT, "%s%s: %.2f s at %d Hz, text \"%s\"; %d chunk(s)%n",
                    job.voices().size() > 1 ? "voice " + s.voice() + ", reference " : "reference ", s.ref().source(),
                    s.ref().seconds(), s.ref().sampleRate(), abbreviate(s.ref().text(), 60), s.chunks().size());
        }
        log.printf("%d chunk(s), seed %s (chunk i uses seed %s + i)%n", totalChunks, SeedOption.show(job.seed()),
                SeedOption.show(job.seed()));

        long t1 = System.nanoTime();
        List<Segment> done = new ArrayList<>();
        List<String> warnings = new ArrayList<>(); // printed after the bar, never on its line
        StepClock clock = new StepClock();
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("synth").setInitialMax((long) totalChunks * job.settings().nfe())
                .setStyle(ProgressBarStyle.ASCII).setConsumer(new ConsoleProgressBarConsumer(log))
                .setEtaFunction(st -> clock.eta(st.getCurrent(), st.getMax())).setUpdateIntervalMillis(200).build()) {
            int base = 0;
            for (Segment s : plan) {
                int first = base;
                Synthesizer.Result r = synth.synthesize(s.ref(), s.chunks(), i -> job.seed() + first + i, s.settings(),
                        new Synthesizer.Listener() {
                            String chunk = "";

                            @Override
                            public void chunkStarted(int index, int count, String chunkText, int duration) {
                                chunk = "chunk " + (first + index + 1) + "/" + totalChunks + ", " + duration + " frames";
                                bar.setExtraMessage(chunk + (clock.warmingUp() ? ", warming up" : ""));
                            }

                            @Override
                            public void stepDone() {
                                clock.step();
                                bar.setExtraMessage(chunk + (clock.warmingUp() ? ", warming up" : ""));
                                bar.step();
                            }

                            @Override
                            public void unknownTokens(String warning) { if (!warnings.contains(warning)) warnings.add(warning); }
                        });
                base += s.chunks().size();
                done.add(new Segment(s.voice(), s.text(), s.ref(), s.settings(), s.chunks(), r.wave(), r.chunks()));
            }
        }
        warnings.forEach(w -> log.println("warning: " + w));
        double synthSeconds = (System.nanoTime() - t1) / 1e9;
        int rate = synth.config().melSpec().sampleRate();
        if (job.chunkDir() != null) saveChunks(job, done, rate, log);
        float[] wave = concat(done);
        if (job.removeSilence()) {
            double before = (double) wave.length / rate;
            wave = SilenceRemoval.apply(wave, rate);
            if (wave.length == 0) {
                throw new F5jException("--remove-silence: the generated audio is silent throughout (nothing above -50 dBFS), "
                        + "so nothing would be left; run without it");
            }
            log.printf(Locale.ROOT, "removed silences: %.2f s -> %.2f s%n", before, (double) wave.length / rate);
        }
        Outcome o = new Outcome(wave, rate, done);
        writeAudio(job.out(), wave, rate);
        log.printf(Locale.ROOT, "wrote %s: %.2f s at %d Hz%n", Outputs.isStdout(job.out()) ? "WAV to stdout" : job.out(),
                o.seconds(), rate);
        log.printf(Locale.ROOT, "load %.2f s, synthesis %.2f s, real-time factor %.3f (synthesis time / audio time)%n",
                loadSeconds, synthSeconds, synthSeconds / Math.max(o.seconds(), 1e-9));
        if (job.backend() instanceof f5j.compute.plan.PlanCompiler pc && pc.planSummary() != null) log.println(pc.planSummary());
        if (!Outputs.isStdout(job.out())) System.out.println(job.out());
        return o;
    }

    /** np.concatenate of the voice segments' audio (each segment's chunks are already cross-faded). */
    private static float[] concat(List<Segment> segs) {
        int n = segs.stream().mapToInt(s -> s.wave().length).sum();
        float[] out = new float[n];
        int off = 0;
        for (Segment s : segs) {
            System.arraycopy(s.wave(), 0, out, off, s.wave().length);
            off += s.wave().length;
        }
        return out;
    }

    /** 16-bit WAV to the file (atomically) or to stdout. */
    static void writeAudio(Path out, float[] wave, int rate) {
        writeAudio(out, new f5j.audio.Audio(new float[][] {wave}, rate), WavFile.Format.PCM_16);
    }

    static void writeAudio(Path out, f5j.audio.Audio audio, WavFile.Format format) {
        if (Outputs.isFlac(out)) {
            if (format != WavFile.Format.PCM_16) throw new F5jException("--out " + out + ": FLAC output is 16-bit; write float samples to a .wav");
            f5j.audio.FlacWriter.write(out, audio);
            return;
        }
        if (!Outputs.isStdout(out)) {
            WavFile.write(out, audio, format);
            return;
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile("f5j-", ".wav");
            WavFile.write(tmp, audio, format);
            OutputStream so = System.out;
            Files.copy(tmp, so);
            so.flush();
        } catch (IOException e) {
            throw new F5jException("stdout: cannot write the WAV (" + e.getMessage() + ")");
        } finally {
            if (tmp != null) {
                try { Files.deleteIfExists(tmp); } catch (IOException ignored) { }
            }
        }
    }

    /** Upstream --save_chunk: {@code CHUNKDIR/<i>_<text>.wav} per voice segment, text cut at 200 characters. */
    private static void saveChunks(Job job, List<Segment> segs, int rate, PrintStream log) {
        for (int i = 0; i < segs.size(); i++) {
            Path p = job.chunkDir().resolve(chunkFileName(i, segs.get(i).text(), job.legacyText()));
            writeAudio(p, segs.get(i).wave(), rate);
            log.println("saved chunk " + p);
        }
    }

    static String chunkFileName(int index, String text, boolean legacy) {
        String t = text;
        if (t.codePointCount(0, t.length()) > 200) t = t.substring(0, t.offsetByCodePoints(0, 200)) + " ... ";
        if (legacy) t = ascii(t);
        return index + "_" + t.replace('/', '_').replace('\0', '_') + ".wav";
    }

    /**
     * The lossy ASCII form of legacy file names (upstream uses unidecode): accents dropped by NFKD; characters
     * without an ASCII base are left out, where unidecode would transliterate them.
     */
    static String ascii(String s) {
        String d = Normalizer.normalize(s, Normalizer.Form.NFKD);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            if (c < 128) b.append(c);
        }
        return b.toString();
    }

    static String abbreviate(String s, int n) { return s.length() <= n ? s : s.substring(0, n - 3) + "..."; }

    /** ETA from the steps after the first: the first ODE step of a run carries the JIT's warm-up. */
    static final class StepClock {
        private long steps, firstDoneNanos;

        synchronized void step() {
            steps++;
            if (steps == 1) firstDoneNanos = System.nanoTime();
        }

        synchronized boolean warmingUp() { return steps < 2; }

        synchronized Optional<Duration> eta(long current, long max) {
            if (steps < 2) return Optional.empty();
            double perStep = (System.nanoTime() - firstDoneNanos) / (double) (steps - 1);
            return Optional.of(Duration.ofNanos((long) (perStep * Math.max(0, max - current))));
        }
    }
}

package f5j.cli;

import f5j.audio.WavFile;
import f5j.testing.CliRun;
import f5j.testing.Goldens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static f5j.testing.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

/** The command line as a user meets it: usage, unknown options, option ranges, outputs and their checks. */
class CliTest {
    @TempDir Path tmp;

    static final String REF = Goldens.file("audio/ref_16k_mono.wav").toString();

    static String[] synth(String... extra) {
        List<String> a = new ArrayList<>(List.of("synth", "-m", Goldens.file("f5tts-tiny-v1").toString(),
                "--vocoder", Goldens.file("vocos-tiny").toString(), "-r", REF, "-s", "O rato roeu a roupa do rei de Roma."));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void noArgumentsPrintsUsageAndFails() {
        CliRun r = run();
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("Usage: f5j").contains("synth").contains("golden");
        CliRun g = run("golden");
        assertThat(g.rc()).isEqualTo(2);
        assertThat(g.err()).contains("Usage: f5j golden").contains("verify");
    }

    @Test
    void misspelledOptionIsNamedWithASuggestion() {
        CliRun r = run("synth", "--ref-audo", REF, "-s", "x", "-t", "y");
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("--ref-audo: unknown option; did you mean --ref-audio?").doesNotContain("Missing required");
    }

    @Test
    void misspelledCommandIsNamedWithASuggestion() {
        CliRun r = run("synht", "-t", "x");
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("f5j: synht: unknown command; did you mean synth?");
        assertThat(run("golden", "verfy", "x").err()).contains("f5j golden: verfy: unknown command; did you mean verify?");
        assertThat(run("--verison").err()).contains("f5j: --verison: unknown option; did you mean --version?");
    }

    @Test
    void everyBackendIsListedInEachCommandsHelp() {
        for (String[] cmd : new String[][] {{"synth"}, {"vocode"}, {"bench"}, {"demo"}, {"golden", "verify"}, {"golden", "record"}}) {
            String[] a = Stream.concat(Stream.of(cmd), Stream.of("--help")).toArray(String[]::new);
            CliRun r = run(a);
            assertThat(r.rc()).as(String.join(" ", cmd)).isZero();
            assertThat(r.out()).as(String.join(" ", cmd)).contains("cpu (SIMD").contains("reference").contains("cpu-plan")
                    .contains("tornado");
        }
    }

    /** Every golden record option has a description (help lines of options without one end right after the name). */
    @Test
    void everyGoldenRecordOptionIsDocumented() {
        var spec = new picocli.CommandLine(new GoldenCommand.Record()).getCommandSpec();
        for (var o : spec.options()) {
            assertThat(String.join(" ", o.description())).as(o.longestName()).isNotBlank();
        }
    }

    /** Out-of-range numbers fail at once, naming the option, before anything is loaded or written. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--cfg|NaN|--cfg NaN: must be a finite number",
            "--cfg|Infinity|--cfg Infinity: must be a finite number",
            "--sway|NaN|--sway NaN: must be a finite number",
            "--nfe|100000|--nfe 100000: ODE steps must be between 1 and 1000",
            "--nfe|0|--nfe 0: ODE steps must be between 1 and 1000",
            "--fix-duration|1e9|--fix-duration 1.0E9: seconds must be above 0 and at most 699.1",
            "--speed|1e-6|--speed 1.0E-6: must be between 0.05 and 20",
            "--seed|18446744073709551616|out of range"})
    void badNumbersAreRefusedBeforeWork(String option, String value, String message) {
        Path out = tmp.resolve("x.wav");
        CliRun r = run(synth("-t", "Bom dia.", option, value, "--out", out.toString()));
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains(message).doesNotContain("reference ").doesNotContain("Exception");
        assertThat(out).doesNotExist();
    }

    @Test
    void outputThatIsAnInputIsRefused() throws Exception {
        Path ref = Files.copy(Path.of(REF), tmp.resolve("ref.wav"));
        byte[] before = Files.readAllBytes(ref);
        String[] a = synth("-t", "Bom dia.", "--out", ref.toString());
        a[6] = ref.toString(); // -r
        CliRun r = run(a);
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("is an input of this run");
        CliRun v = run("vocode", "--vocoder", Goldens.file("vocos-tiny").toString(), "--in", ref.toString(),
                "--out", tmp.resolve(".").resolve("ref.wav").toString());
        assertThat(v.rc()).isEqualTo(2);
        assertThat(v.err()).contains("is an input of this run");
        assertThat(Files.readAllBytes(ref)).isEqualTo(before);
    }

    @Test
    void unsupportedOutputFormatIsRefused() {
        CliRun r = run(synth("-t", "Bom dia.", "--out", tmp.resolve("x.mp3").toString()));
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("x.mp3: unsupported format .mp3");
    }

    /** An output folder that cannot be made is found before the synthesis, with the reason. */
    @Test
    void unwritableOutputFolderIsFoundFirst() throws Exception {
        Path file = Files.writeString(tmp.resolve("plain-file"), "x");
        CliRun r = run(synth("-t", "Bom dia.", "--out", file.resolve("sub/x.wav").toString()));
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("cannot write in").doesNotContain("reference ");
    }

    /** --out - : the WAV on stdout, every diagnostic on stderr. */
    @Test
    void wavOnStdout() throws Exception {
        CliRun r = run(synth("-t", "Bom dia.", "--nfe", "1", "--seed", "3", "--out", "-"));
        assertThat(r.rc()).as(r.err()).isZero();
        Path f = Files.write(tmp.resolve("stdout.wav"), r.stdout());
        assertThat(WavFile.read(f).sampleRate()).isEqualTo(24000);
        assertThat(r.err()).contains("wrote WAV to stdout");
        Path file = tmp.resolve("file.wav");
        CliRun w = run(synth("-t", "Bom dia.", "--nfe", "1", "--seed", "3", "--out", file.toString()));
        assertThat(w.out().strip()).isEqualTo(file.toString()); // the result, on stdout
        assertThat(Files.readAllBytes(file)).isEqualTo(r.stdout());
    }

    /** torch.manual_seed takes -2^63 .. 2^64-1 and keeps the 64 bits: 2^64-1 and -1 are one seed. */
    @Test
    void seedsOverTheWholeTorchRange() throws Exception {
        Path a = tmp.resolve("a.wav"), b = tmp.resolve("b.wav");
        CliRun r = run(synth("-t", "Bom dia.", "--nfe", "1", "--seed", "18446744073709551615", "--out", a.toString()));
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.err()).contains("seed 18446744073709551615");
        assertThat(run(synth("-t", "Bom dia.", "--nfe", "1", "--seed", "-1", "--out", b.toString())).rc()).isZero();
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    }

    @Test
    void midpointOnSynth() {
        Path out = tmp.resolve("m.wav");
        CliRun r = run(synth("-t", "Bom dia.", "--nfe", "2", "--method", "midpoint", "--seed", "1", "--out", out.toString()));
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(out).exists();
        assertThat(run(synth("-t", "Bom dia.", "--method", "rk4", "--out", out.toString())).err())
                .contains("--method rk4: unknown ODE method");
    }

    /** A trainer checkpoint converted in memory speaks exactly as its converted folder does (EMA weights). */
    @Test
    void checkpointFileAsModel() throws Exception {
        Path folder = tmp.resolve("folder.wav"), ckpt = tmp.resolve("ckpt.wav");
        String[] common = {"-t", "Bom dia.", "--nfe", "1", "--seed", "2"};
        CliRun f = run(Stream.concat(Stream.of(synth(common)), Stream.of("--out", folder.toString())).toArray(String[]::new));
        assertThat(f.rc()).as(f.err()).isZero();
        String[] a = synth(common);
        a[2] = Goldens.file("f5tts-tiny-v1/pruned_ema.pt").toString();
        CliRun c = run(Stream.concat(Stream.of(a), Stream.of("--out", ckpt.toString())).toArray(String[]::new));
        assertThat(c.rc()).as(c.err()).isZero();
        assertThat(Files.readAllBytes(ckpt)).isEqualTo(Files.readAllBytes(folder));
    }

    @Test
    void recordTakesATextFile() throws Exception {
        Path text = Files.writeString(tmp.resolve("t.txt"), "Bom dia.");
        Path out = tmp.resolve("r.safetensors");
        CliRun r = run("golden", "record", "--model", Goldens.file("f5tts-tiny-v1").toString(), "--vocoder",
                Goldens.file("vocos-tiny").toString(), "--ref-audio", REF, "--ref-text", "O rato roeu a roupa do rei de Roma.",
                "--text-file", text.toString(), "--nfe", "1", "--taps", "proj_out", "--out", out.toString());
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(r.out()).contains("recorded");
    }

    @Test
    void invalidUtf8TextFileIsNamed() throws Exception {
        Path text = Files.write(tmp.resolve("latin1.txt"), new byte[] {'B', 'o', 'm', ' ', (byte) 0xE9, '.'});
        CliRun r = run(synth("-f", text.toString(), "--out", tmp.resolve("x.wav").toString()));
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("latin1.txt: not UTF-8 text");
    }

    /** Library code names settings by their own names; only the CLI knows its option names. */
    @Test
    void libraryMessagesNameNoOptions() throws IOException {
        // every package below the verification, audit, bench, serve and CLI layers (see LayeringTest)
        for (String pkg : List.of("text", "audio", "dit", "sampler", "vocoder", "infer", "compute", "weights", "config",
                "tensor", "trace", "util", "numerics")) {
            try (Stream<Path> s = Files.walk(Path.of("src/main/java/f5j", pkg))) {
                s.filter(p -> p.toString().endsWith(".java"))
                        .forEach(p -> {
                            try {
                                for (String line : Files.readAllLines(p)) {
                                    String code = line.strip();
                                    if (code.startsWith("//") || code.startsWith("*") || code.startsWith("/*")) continue;
                                    assertThat(code).as(p + ": a message naming a CLI option").doesNotContainPattern("\"([^\"]*\\s)?--[a-z]");
                                }
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
            }
        }
    }

    /** The verify table prints small differences in their own scale, and only an exact match as 0. */
    @Test
    void verifyTableNeverRoundsADifferenceToZero() {
        var report = new f5j.golden.GoldenReport();
        report.add(new f5j.golden.Check("tiny", "[3]", 1.19e-7, 2.5e-9, 1e-4, f5j.golden.Check.Status.PASS, ""));
        report.add(new f5j.golden.Check("exact", "[3]", 0, 0, 0, f5j.golden.Check.Status.PASS, ""));
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        report.print(new PrintStream(b, true, StandardCharsets.UTF_8), false);
        String table = b.toString(StandardCharsets.UTF_8);
        assertThat(table).contains("1.19e-07").contains("2.50e-09").doesNotContainPattern("(?<![\\d.])0\\.00(?!\\d)");
        assertThat(table.lines().filter(l -> l.startsWith("exact")).findFirst().orElseThrow()).matches("exact\\s+\\[3\\]\\s+0\\s+0\\s+0\\s+PASS");
    }

    /** Warnings come after the progress bar is done, each on its own line, never on the bar's line. */
    @Test
    void warningsNeverShareTheProgressBarsLine() {
        CliRun r = run(synth("-t", "Bom dia, xadrez.", "--nfe", "2", "--seed", "1", "--out", tmp.resolve("w.wav").toString()));
        assertThat(r.rc()).as(r.err()).isZero();
        List<String> lines = r.err().lines().filter(l -> l.contains("warning:")).toList();
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("warning:").doesNotContain("synth ").doesNotContain("\r"));
    }

    /** The ETA is measured from the end of the first step (the JIT's warm-up) and is unknown until a second one. */
    @Test
    void etaIgnoresTheFirstStep() {
        var clock = new SynthRun.StepClock();
        assertThat(clock.warmingUp()).isTrue();
        clock.step();
        assertThat(clock.warmingUp()).isTrue();
        assertThat(clock.eta(1, 10)).isEmpty();
        clock.step();
        assertThat(clock.warmingUp()).isFalse();
        assertThat(clock.eta(2, 10)).isPresent();
        assertThat(clock.eta(10, 10)).hasValue(java.time.Duration.ZERO);
    }

    /** --out x.flac: the same 16-bit samples as the WAV, losslessly. */
    @Test
    void flacOutput() {
        Path wav = tmp.resolve("o.wav"), flac = tmp.resolve("o.flac");
        assertThat(run(synth("-t", "Bom dia.", "--nfe", "1", "--seed", "4", "--out", wav.toString())).rc()).isZero();
        CliRun r = run(synth("-t", "Bom dia.", "--nfe", "1", "--seed", "4", "--out", flac.toString()));
        assertThat(r.rc()).as(r.err()).isZero();
        var f = f5j.audio.AudioFiles.readPcm(flac);
        assertThat(f.frameRate()).isEqualTo(24000);
        assertThat(f.samples()).isEqualTo(f5j.audio.PcmSegment.readWav(wav).samples());
    }

    @Test
    void verifyingNothingFails() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliRun r = run("golden", "verify", empty.toString());
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("no golden files");
    }

    /** Upstream's -m NAME -p CKPT: the name is the architecture preset; without -p f5j says it downloads nothing. */
    @Test
    void modelNameWithCheckpointIsAPreset() {
        String[] a = synth("-t", "Bom dia.", "-p", Goldens.file("f5tts-tiny-v1/pruned_ema.pt").toString(),
                "--out", tmp.resolve("p.wav").toString());
        a[2] = "F5TTS_v1_Base";
        CliRun r = run(a);
        assertThat(r.rc()).isEqualTo(2);
        assertThat(r.err()).contains("does not fit preset F5TTS_v1_Base");
        String[] b = synth("-t", "Bom dia.", "--out", tmp.resolve("p.wav").toString());
        b[2] = "F5TTS_v1_Base";
        assertThat(run(b).err()).contains("f5j does not download checkpoints");
    }

    /** vocode copy-synthesizes a FLAC as it does the WAV it was made from. */
    @Test
    void vocodeReadsCompressedAudio() throws Exception {
        Path fromWav = tmp.resolve("w.wav"), fromFlac = tmp.resolve("f.wav");
        String voc = Goldens.file("vocos-tiny").toString();
        assertThat(run("vocode", "--vocoder", voc, "--in", Goldens.file("audio/ref_44k1_stereo.wav").toString(),
                "--out", fromWav.toString()).rc()).isZero();
        CliRun r = run("vocode", "--vocoder", voc, "--in", "src/test/resources/audio-formats/ref_44k1_stereo.flac",
                "--out", fromFlac.toString());
        assertThat(r.rc()).as(r.err()).isZero();
        assertThat(Files.readAllBytes(fromFlac)).isEqualTo(Files.readAllBytes(fromWav));
    }
}

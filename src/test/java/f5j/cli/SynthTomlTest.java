package f5j.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import f5j.audio.WavFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code synth -c FILE.toml} against upstream's f5-tts_infer-cli on the same config: the voice segments, each
 * segment's chunks and every chunk's duration equal what tools/toml_golden.py recorded running upstream's
 * code (src/test/resources/toml/*.expected.json).
 */
class SynthTomlTest {
    static final Path DIR = Path.of("src/test/resources/toml");
    @TempDir Path tmp;

    static SynthCommand parse(String... args) {
        CommandLine cl = new CommandLine(new SynthCommand());
        cl.parseArgs(args);
        return cl.getCommand();
    }

    private SynthRun.Outcome run(String toml, String... extra) {
        List<String> a = new ArrayList<>(List.of("-c", DIR.resolve(toml).toString(), "-o", tmp.toString(), "--seed", "5"));
        a.addAll(List.of(extra));
        SynthRun.Job job = parse(a.toArray(String[]::new)).job();
        return SynthRun.run(job, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private static void assertMatchesUpstream(SynthRun.Outcome o, String golden) throws Exception {
        JsonArray expected = JsonParser.parseString(Files.readString(DIR.resolve(golden))).getAsJsonObject().getAsJsonArray("segments");
        assertThat(o.segments()).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonObject e = expected.get(i).getAsJsonObject();
            SynthRun.Segment s = o.segments().get(i);
            assertThat(s.ref().text()).as("segment %d ref_text", i).isEqualTo(e.get("ref_text").getAsString());
            assertThat(s.text()).as("segment %d gen_text", i).isEqualTo(e.get("gen_text").getAsString());
            assertThat(s.settings().speed()).as("segment %d speed", i).isEqualTo(e.get("speed").getAsDouble());
            List<String> chunks = new ArrayList<>();
            e.getAsJsonArray("chunks").forEach(c -> chunks.add(c.getAsString()));
            assertThat(s.chunks()).as("segment %d chunks", i).isEqualTo(chunks);
            List<Integer> durations = new ArrayList<>();
            e.getAsJsonArray("durations").forEach(d -> durations.add(d.getAsInt()));
            assertThat(s.infos().stream().map(f5j.infer.Synthesizer.ChunkInfo::duration).toList()).as("segment %d durations", i)
                    .isEqualTo(durations);
        }
    }

    @Test
    void singleVoiceConfigChunksAsUpstream() throws Exception {
        SynthRun.Outcome o = run("basic.toml");
        assertMatchesUpstream(o, "basic.expected.json");
        assertThat(o.segments().getFirst().chunks()).hasSizeGreaterThan(1);
        assertThat(WavFile.read(tmp.resolve("infer_cli_basic.wav")).frames()).isEqualTo(o.wave().length);
    }

    /**
     * [voices.NAME] tables and [NAME] tags: each segment with its voice (and the town voice's own speed); with
     * --save-chunk each voice segment is written as OUTPUT_DIR/<stem>_chunks/<i>_<text>.wav, as upstream names them.
     */
    @Test
    void multiVoiceConfigSegmentsAsUpstream() throws Exception {
        // the random tiny model's output is all under -50 dBFS: remove_silence = true in the file would leave nothing
        SynthRun.Outcome o = run("story.toml", "--no-remove-silence", "--save-chunk");
        assertMatchesUpstream(o, "story.expected.json");
        assertThat(o.segments().stream().map(SynthRun.Segment::voice).distinct()).containsExactlyInAnyOrder("main", "town", "country");
        int joined = o.segments().stream().mapToInt(s -> s.wave().length).sum(); // np.concatenate of the segments
        assertThat(WavFile.read(tmp.resolve("infer_cli_story.wav")).frames()).isEqualTo(joined).isEqualTo(o.wave().length);
        try (var s = Files.list(tmp.resolve("infer_cli_story_chunks"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).hasSize(o.segments().size())
                    .contains("0_" + SynthRun.ascii(o.segments().getFirst().text()) + ".wav")
                    .contains("3_\"Adeus,\".wav");
        }
    }

    @Test
    void flagsOverrideTheFile() {
        SynthRun.Job job = parse("-c", DIR.resolve("basic.toml").toString(), "--speed", "1", "--nfe", "3", "-w", "x.wav",
                "-o", tmp.toString()).job();
        assertThat(job.settings().speed()).isEqualTo(1.0);
        assertThat(job.settings().nfe()).isEqualTo(3);
        assertThat(job.out()).isEqualTo(tmp.resolve("x.wav"));
        SynthRun.Job fromFile = parse("-c", DIR.resolve("basic.toml").toString(), "-o", tmp.toString()).job();
        assertThat(fromFile.settings().speed()).isEqualTo(0.3);
        assertThat(fromFile.settings().nfe()).isEqualTo(2);
        assertThat(fromFile.out()).isEqualTo(tmp.resolve("infer_cli_basic.wav"));
    }
}

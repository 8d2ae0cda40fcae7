package f5j.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ./f5j gives the JVM a heap sized by the work (weights and audio the command names), not the JVM's default
 * quarter of the machine, under which a long text on the tiny model grew to 5.6 GB. The launcher is run
 * against a stand-in `java` that prints its arguments.
 */
class LauncherHeapTest {
    @TempDir Path tmp;

    private String javaArgs(String javaOpts, String... args) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("app/target"));
        Files.copy(Path.of("f5j"), tmp.resolve("app/f5j"), java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(home.resolve("f5j.jar"), "");
        Path java = Files.createDirectories(tmp.resolve("jdk/bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\ncase \"$*\" in *-XshowSettings*) echo '    java.specification.version = 25' >&2;; *) echo \"$*\";; esac\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> cmd = new ArrayList<>(List.of(tmp.resolve("app/f5j").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", tmp.resolve("jdk").toString());
        pb.environment().remove("TORNADOVM_HOME");
        if (javaOpts != null) pb.environment().put("F5J_JAVA_OPTS", javaOpts); else pb.environment().remove("F5J_JAVA_OPTS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    private Path sized(String name, long bytes) throws Exception {
        Path f = tmp.resolve(name);
        Files.createDirectories(f.getParent());
        try (RandomAccessFile r = new RandomAccessFile(f.toFile(), "rw")) { r.setLength(bytes); }  // sparse: no disk used
        return f;
    }

    @Test
    void theHeapFollowsTheWeightsAndAudioTheCommandLoads() throws Exception {
        assertThat(javaArgs(null, "demo")).contains(" -Xmx1024m ");
        assertThat(javaArgs(null, "synth", "--model", "weights/f5tts-tiny-v1", "--text", "x")).contains(" -Xmx1024m ");
        sized("big/model.safetensors", 1350L << 20);  // F5TTS_v1_Base in f32
        sized("voc/pytorch_model.bin", 54L << 20);
        String big = javaArgs(null, "synth", "--model", tmp.resolve("big").toString(), "--vocoder", tmp.resolve("voc").toString());
        long mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElseThrow() * 3 / 4 / 1024;
        assertThat(big).contains(" -Xmx" + Math.min(1024 + 3 * (1350 + 54), mem) + "m ");
        Path wav = sized("long.wav", 100L << 20);
        assertThat(javaArgs(null, "vocode", "--in", wav.toString())).contains(" -Xmx" + Math.min(1024 + 64 * 100, mem) + "m ");
        // the same weights named every other way a command takes them
        Path ckpt = sized("ck/model_1250000.pt", 1350L << 20);
        String expect = " -Xmx" + Math.min(1024 + 3 * 1350, mem) + "m ";
        assertThat(javaArgs(null, "synth", "-m", ckpt.toString())).contains(expect);
        assertThat(javaArgs(null, "synth", "--model=" + tmp.resolve("big"))).contains(expect);
        assertThat(javaArgs(null, "synth", "-m", "F5TTS_v1_Base", "-p", ckpt.toString())).contains(" -Xmx" + Math.min(1024 + 3 * (1400 + 1350), mem) + "m ");
        assertThat(javaArgs(null, "audit", "--checkpoint", ckpt.toString())).contains(expect);
        assertThat(javaArgs(null, "bench", "--preset", "F5TTS_v1_Base")).contains(" -Xmx" + Math.min(1024 + 3 * 1400, mem) + "m ");
        Path toml = tmp.resolve("ck/basic.toml");
        Files.writeString(toml, "model = \"F5TTS_v1_Base\"\nckpt_file = \"model_1250000.pt\"\nref_audio = \"x.wav\"\n");
        assertThat(javaArgs(null, "synth", "-c", toml.toString())).contains(expect);
        // TornadoVM's compiler runs on the Java heap
        assertThat(javaArgs(null, "golden", "verify", "--backend", "tornado", "x")).contains(" -Xmx" + Math.min(1024 + 2048, mem) + "m ");
        // The user's -Xmx wins: the launcher adds none of its own.
        assertThat(javaArgs("-Xmx3g", "demo")).contains(" -Xmx3g ").doesNotContain("-Xmx1024m");
    }
}

package f5j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ./f5j launcher's streams, with a stand-in java that behaves as the JVM does at start-up (the incubator
 * warning and a VM message on its stderr) and then as f5j's main does (fd 3 made stderr again, the start-up
 * file passed on without the warning, results on stdout, an exit status). Both streams into one file, as
 * {@code >log 2>&1}, must keep every line.
 */
class LauncherTest {
    @TempDir Path tmp;

    @Test
    void incubatorWarningIsDroppedAndEverythingElseKept() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("f5j"));
        Files.copy(Path.of("f5j"), home.resolve("f5j"));
        Files.createDirectories(home.resolve("target"));
        Files.writeString(home.resolve("target/f5j.jar"), "");
        Path bin = Files.createDirectories(tmp.resolve("jdk/bin"));
        Path java = Files.writeString(bin.resolve("java"), """
                #!/usr/bin/env bash
                if [[ "$1" == -XshowSettings:properties ]]; then echo '    java.specification.version = 25' >&2; exit 0; fi
                echo 'WARNING: Using incubator modules: jdk.incubator.vector' >&2
                echo 'OpenJDK 64-Bit Server VM warning: a VM message' >&2
                boot=""; for a in "$@"; do [[ "$a" == -Df5j.jvm-err=* ]] && boot="${a#-Df5j.jvm-err=}"; done
                exec 2>&3 3>&-
                grep -v '^WARNING: Using incubator' "$boot" >&2; : > "$boot"
                echo 'the result'
                echo 'progress and diagnostics' >&2
                echo 'the end'
                exit 3
                """);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(home.resolve("f5j"), PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder(home.resolve("f5j").toString(), "synth")
                .redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(tmp.resolve("err.txt").toFile());
        ProcessBuilder both = new ProcessBuilder(home.resolve("f5j").toString(), "synth")
                .redirectOutput(tmp.resolve("both.txt").toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", tmp.resolve("jdk").toString());
        both.environment().put("JAVA_HOME", tmp.resolve("jdk").toString());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(tmp.resolve("out.txt"), StandardCharsets.UTF_8);
        String err = Files.readString(tmp.resolve("err.txt"), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(err).isEqualTo(3);
        assertThat(out).isEqualTo("the result\nthe end\n");
        assertThat(err).isEqualTo("OpenJDK 64-Bit Server VM warning: a VM message\nprogress and diagnostics\n");
        Process q = both.start();
        assertThat(q.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(tmp.resolve("both.txt"), StandardCharsets.UTF_8)).isEqualTo(
                "OpenJDK 64-Bit Server VM warning: a VM message\nthe result\nprogress and diagnostics\nthe end\n");
    }
}

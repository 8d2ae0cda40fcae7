package f5j.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFilesTest {
    @Test
    void newFilesAreWorldReadableAndReplacedFilesKeepTheirPermissions(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("a.txt");
        AtomicFiles.writeString(f, "one");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r--r--");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw----"));
        AtomicFiles.writeString(f, "two");
        assertThat(Files.readString(f)).isEqualTo("two");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-rw----");
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporary(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("b.txt");
        AtomicFiles.writeString(f, "kept");
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> { out.write(1); throw new java.io.IOException("disk full"); }))
                .isInstanceOf(F5jException.class).hasMessageContaining("b.txt").hasMessageContaining("disk full");
        assertThat(Files.readString(f)).isEqualTo("kept");
        try (var s = Files.list(dir)) { assertThat(s).containsExactly(f); }
    }

    /** Run in a child JVM: starts an atomic write of args[0], says so, then hangs inside it. */
    static final class HangingWriter {
        public static void main(String[] args) {
            AtomicFiles.write(Path.of(args[0]), out -> {
                out.write(new byte[100_000]);
                out.flush();
                System.out.println("writing");
                System.out.flush();
                try { Thread.sleep(120_000); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            });
        }
    }

    private static Process hangingWrite(Path target) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), HangingWriter.class.getName(),
                target.toString()).redirectErrorStream(true).start();
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
        assertThat(line).isEqualTo("writing");
        return p;
    }

    private static java.util.List<String> names(Path dir) throws Exception {
        try (var s = Files.list(dir)) { return s.map(p -> p.getFileName().toString()).sorted().toList(); }
    }

    @Test
    void anInterruptedWriteLeavesNoTemporary(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.wav");
        Process p = hangingWrite(out);
        assertThat(names(dir)).singleElement().asString().startsWith(".out.wav.f5j-" + p.pid() + "-").endsWith(".tmp");
        p.destroy();  // SIGTERM, as Ctrl-C or a CI timeout sends: the exit hook removes the temporary
        p.waitFor();
        assertThat(names(dir)).isEmpty();
    }

    @Test
    void aKilledWritesTemporaryIsRemovedByTheNextWrite(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.wav");
        Process p = hangingWrite(out);
        p.destroyForcibly();  // SIGKILL: nothing runs, the temporary stays
        p.waitFor();
        assertThat(names(dir)).hasSize(1);
        // Another process's live temporary and files f5j did not make are left alone.
        Path live = Files.writeString(dir.resolve(".out.wav.f5j-" + ProcessHandle.current().parent().orElseThrow().pid() + "-1.tmp"), "");
        Path mine = Files.writeString(dir.resolve(".out.wav.tmp"), "not f5j's");
        AtomicFiles.writeString(out, "done");
        assertThat(names(dir)).containsExactly(live.getFileName().toString(), mine.getFileName().toString(), "out.wav");
    }
}

package f5j.serve;

import f5j.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import static f5j.serve.ServeFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

/** ./f5j serve's user errors: one line naming the problem, exit status 2, before or instead of serving. */
class ServeCommandTest {
    private static String run(int expectedRc, String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = System.err;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(Main.execute(args)).isEqualTo(expectedRc);
        } finally {
            System.setErr(e);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void badFoldersAndABusyPortAreUserErrors(@TempDir Path dir) {
        String m = MODEL.toString(), v = VOCODER.toString();
        assertThat(run(2, "serve", "--model", dir.resolve("none").toString(), "--vocoder", v))
                .contains("--model " + dir.resolve("none") + ": no such folder");
        assertThat(run(2, "serve", "--model", m, "--vocoder", v, "--voices", dir.resolve("nope").toString(), "--port", "0"))
                .contains("--voices " + dir.resolve("nope") + ": no such folder");
        assertThat(run(2, "serve", "--model", m, "--vocoder", v, "--queue", "-1", "--port", "0")).contains("--queue -1");
        try (F5jServer s = ServeFixture.start(options(null, null, null, 1, Duration.ofSeconds(30), 1 << 20))) {
            assertThat(run(2, "serve", "--model", m, "--vocoder", v, "--port", Integer.toString(s.port())))
                    .contains("cannot listen on 127.0.0.1:" + s.port());
        }
    }
}

package f5j.golden;

import f5j.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `golden verify` pointed at the wrong folder fails instead of reporting "0 passed, 0 failed" with exit 0. */
class VerifyNothingTest {
    @Test
    void anEmptyFolderOrOneWithoutGoldensFails(@TempDir Path dir) throws Exception {
        assertThat(Main.execute("golden", "verify", dir.toString())).isEqualTo(2);
        Files.writeString(dir.resolve("notes.txt"), "not a golden");
        assertThat(Main.execute("golden", "verify", dir.toString())).isEqualTo(2);
        // a report that checked nothing is not a success
        GoldenReport r = new GoldenReport();
        assertThat(r.ok()).isFalse();
        r.skip("x", "not implemented");
        assertThat(r.ok()).isFalse();
    }
}

package f5j.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find the golden files: the copy under src/test/resources/goldens. */
public final class Goldens {
    private Goldens() {}

    public static Path dir() {
        Path p = Path.of("src/test/resources/goldens");
        if (!Files.isDirectory(p)) throw new IllegalStateException("golden copy missing: " + p.toAbsolutePath());
        return p;
    }

    public static Path file(String relative) { return dir().resolve(relative); }
}

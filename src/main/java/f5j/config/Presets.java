package f5j.config;

import f5j.util.F5jException;

import java.nio.file.Files;
import java.nio.file.Path;

/** The YAML presets under conf/ (found next to the launcher, {@code -Df5j.home}, or the working directory). */
public final class Presets {
    private Presets() {}

    public static Path home() {
        String h = System.getProperty("f5j.home");
        return Path.of(h != null ? h : ".");
    }

    public static Path path(String name) {
        Path p = home().resolve("conf").resolve(name + ".yaml");
        if (!Files.isRegularFile(p)) {
            throw new F5jException("preset " + name + ": no " + p + " (presets: F5TTS_v1_Base, F5TTS_Base, F5TTS_v1_Small, F5TTS_Small, vocos-mel-24khz)");
        }
        return p;
    }
}

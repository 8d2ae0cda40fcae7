package f5j.cli;

import f5j.util.F5jException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Output paths checked before any work: a supported extension, never one of the inputs, a folder that can
 * be written. {@code -} means stdout.
 */
final class Outputs {
    private Outputs() {}

    static boolean isStdout(Path p) { return p != null && p.toString().equals("-"); }

    /** The audio formats f5j writes, by extension. */
    static final List<String> AUDIO_EXTENSIONS = List.of(".wav", ".flac");

    static boolean isFlac(Path p) {
        return !isStdout(p) && p.getFileName() != null && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".flac");
    }

    static void requireAudioExtension(String option, Path out) {
        if (isStdout(out)) return;
        String n = out.getFileName() == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String e : AUDIO_EXTENSIONS) if (n.endsWith(e)) return;
        int dot = n.lastIndexOf('.');
        throw new F5jException(option + " " + out + ": " + (dot < 0 ? "no extension" : "unsupported format " + n.substring(dot))
                + "; f5j writes " + String.join(", ", AUDIO_EXTENSIONS) + " (or - for WAV on stdout)");
    }

    /** Refuses an output that is (or links to) one of the inputs: f5j never writes its inputs. */
    static void requireNotAnInput(String option, Path out, Path... inputs) {
        if (isStdout(out)) return;
        Path o = out.toAbsolutePath().normalize();
        for (Path in : inputs) {
            if (in == null) continue;
            Path i = in.toAbsolutePath().normalize();
            boolean same = o.equals(i);
            if (!same && Files.exists(out) && Files.exists(in)) {
                try {
                    same = Files.isSameFile(out, in);
                } catch (IOException ignored) {
                    // cannot tell: the write itself reports any problem
                }
            }
            if (same) throw new F5jException(option + " " + out + ": is an input of this run (" + in + "); f5j never overwrites its inputs");
        }
    }

    /** Creates the output's folder if needed and proves a file can be created in it. */
    static void requireWritable(String option, Path out) {
        if (isStdout(out)) return;
        Path dir = Objects.requireNonNullElse(out.toAbsolutePath().getParent(), Path.of("."));
        if (Files.isDirectory(out)) throw new F5jException(option + " " + out + ": is a folder, not a file name");
        requireWritableDir(option, dir, out);
    }

    static void requireWritableDir(String option, Path dir, Path shown) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".f5j-probe", ".tmp");
            Files.delete(probe);
        } catch (AccessDeniedException e) {
            throw new F5jException(option + " " + shown + ": cannot write in " + dir + " (permission denied)");
        } catch (IOException e) {
            throw new F5jException(option + " " + shown + ": cannot write in " + dir + " (" + e + ")");
        }
    }
}

package f5j.serve;

import f5j.util.F5jException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The only way a request names a file: a bare name (letters, digits, '.', '_', '-', no leading dot) looked
 * up directly inside one of the server's folders. No separators, no "..", no symbolic links followed out.
 */
final class Folders {
    private Folders() {}

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");

    static boolean isName(String s) { return s != null && NAME.matcher(s).matches() && !s.contains(".."); }

    /** {@code dir/name}, a regular file directly inside {@code dir}; 404 otherwise (400 for a malformed name). */
    static Path file(Path dir, String name, String what) {
        if (!isName(name)) throw new HttpError(400, what + " '" + name + "': not a plain file name");
        if (dir == null) throw new HttpError(404, what + " '" + name + "': this server has no folder for them");
        Path f = dir.resolve(name);
        if (!f.getParent().equals(dir) || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            throw new HttpError(404, what + " '" + name + "': not found");
        }
        return f;
    }

    /** The plain files in {@code dir} whose names end in {@code suffix}, sorted. */
    static List<String> list(Path dir, String suffix) {
        List<String> out = new ArrayList<>();
        if (dir == null) return out;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                String n = p.getFileName().toString();
                if (n.endsWith(suffix) && isName(n) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) out.add(n);
            }
        } catch (IOException e) {
            throw new F5jException(dir + ": cannot list (" + e.getMessage() + ")");
        }
        out.sort(null);
        return out;
    }

    /** An existing folder, made absolute and normalised (for the parent checks above). */
    static Path dir(Path d, String option) {
        if (d == null) return null;
        if (!Files.isDirectory(d)) throw new F5jException(option + " " + d + ": no such folder");
        try {
            return d.toRealPath();
        } catch (IOException e) {
            throw new F5jException(option + " " + d + ": cannot open (" + e.getMessage() + ")");
        }
    }
}

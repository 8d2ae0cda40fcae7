package f5j.util;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Writes files atomically: to a temporary sibling first, then renamed over the target.
 * <p>
 * Temporaries are named {@code .TARGET.f5j-PID-N.tmp}, so they are recognisably f5j's and say which process
 * made them. An interrupted run (Ctrl-C, SIGTERM) deletes its own on exit; one killed outright cannot, so
 * every later write beside the same target first deletes the temporaries of processes that no longer run.
 * Nothing else in the folder is ever touched.
 */
public final class AtomicFiles {
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final Set<Path> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(AtomicFiles::deleteTree), "f5j-temp-cleanup"));
    }

    private AtomicFiles() {}

    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    public static void write(Path target, Writer writer) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = temporary(abs, false);
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                writer.write(out);
            }
            permissions(tmp, abs);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            LIVE.remove(tmp);
            tmp = null;
        } catch (IOException e) {
            throw new F5jException(target + ": cannot write (" + e.getMessage() + ")", e);
        } finally {
            if (tmp != null) release(tmp);
        }
    }

    /**
     * A new, owner-only temporary file or folder beside {@code target} (absolute), after deleting the stale
     * ones a killed f5j process left for the same target. Deleted at exit unless {@link #release}d or renamed.
     */
    public static Path temporary(Path target, boolean directory) throws IOException {
        Path dir = target.getParent();
        String prefix = "." + target.getFileName() + ".f5j-";
        removeStale(dir, prefix);
        while (true) {
            Path tmp = dir.resolve(prefix + PID + "-" + COUNTER.incrementAndGet() + ".tmp");
            try {
                if (directory) {
                    Files.createDirectory(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                } else {
                    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                }
            } catch (UnsupportedOperationException e) {
                if (directory) Files.createDirectory(tmp); else Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                continue;
            }
            LIVE.add(tmp);
            return tmp;
        }
    }

    /** Deletes a temporary made by {@link #temporary} (best effort) and forgets it. */
    public static void release(Path tmp) {
        deleteTree(tmp);
        LIVE.remove(tmp);
    }

    /** A temporary that has been renamed into place (it no longer exists under its temporary name). */
    public static void renamed(Path tmp) { LIVE.remove(tmp); }

    /** Deletes {@code PREFIX<pid>-<n>.tmp} entries of {@code dir} whose process is gone. */
    private static void removeStale(Path dir, String prefix) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(".tmp");
        })) {
            for (Path p : s) {
                String rest = p.getFileName().toString().substring(prefix.length());
                int dash = rest.indexOf('-');
                if (dash <= 0) continue;
                long pid;
                try {
                    pid = Long.parseLong(rest.substring(0, dash));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid != PID && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
                if (pid == PID && LIVE.contains(p)) continue;
                deleteTree(p);
            }
        } catch (IOException | RuntimeException e) {
            // best effort: a leftover is harmless, and the write itself will report real I/O problems
        }
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    /**
     * Temporary files are created owner-only; the result gets the permissions of the file it replaces, or
     * rw-r--r-- like any new file, where the file system has POSIX permissions.
     */
    private static void permissions(Path tmp, Path target) throws IOException {
        if (!Files.getFileStore(tmp).supportsFileAttributeView(java.nio.file.attribute.PosixFileAttributeView.class)) return;
        Files.setPosixFilePermissions(tmp, Files.exists(target) ? Files.getPosixFilePermissions(target)
                : PosixFilePermissions.fromString("rw-r--r--"));
    }

    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}

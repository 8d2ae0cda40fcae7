package f5j.util;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading a user's input file whole, with the project's one-line errors naming the file. */
public final class InputFiles {
    private InputFiles() {}

    public static byte[] readAllBytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new F5jException(file + ": no such file");
        } catch (IOException e) {
            throw new F5jException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }
}

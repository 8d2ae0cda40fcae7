package f5j.util;

/**
 * A user error: bad input, missing file, unsupported format. The CLI prints only its message (which must
 * name the file and the problem) and exits with status 2; no stack trace.
 */
public class F5jException extends RuntimeException {
    public F5jException(String message) { super(message); }

    public F5jException(String message, Throwable cause) { super(message, cause); }
}

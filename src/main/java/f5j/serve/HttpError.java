package f5j.serve;

/** A request that ends with this HTTP status and a one-line message (sent as {@code {"error": ...}}). */
final class HttpError extends RuntimeException {
    final int status;

    HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}

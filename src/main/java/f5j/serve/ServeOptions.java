package f5j.serve;

import f5j.compute.Backend;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the server runs. {@code voices} (NAME.wav + NAME.txt) and {@code checkpoints} are the only folders a
 * request can name files in, by a bare name; {@code work} holds the uploads while a request runs and the
 * audit reports.
 */
public record ServeOptions(Path model, Path vocoder, String backendName, Backend backend, String host, int port,
                           int queue, Duration timeout, long maxUploadBytes, long maxCheckpointBytes, Path voices,
                           Path checkpoints, Path work) {
    public ServeOptions {
        if (queue < 0) throw new f5j.util.F5jException("--queue " + queue + ": must not be negative");
        if (timeout.isNegative() || timeout.isZero()) throw new f5j.util.F5jException("--timeout must be above 0 s");
        if (maxUploadBytes <= 0 || maxCheckpointBytes <= 0) throw new f5j.util.F5jException("upload limits must be above 0");
    }
}

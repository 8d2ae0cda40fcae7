package f5j.golden;

import f5j.compute.Backend;

import java.nio.file.Path;

/**
 * How to replay: the backend, an optional model/vocoder folder overriding the one the golden names,
 * and optional tolerance overrides (relative; absolute, used when set, passes a tensor whose max |a-b| is
 * within it).
 */
public record VerifyOptions(Backend backend, Path model, Path vocoder, Double rtol, Double atol) {
    /** The tolerance for a tensor: the override if given, else the kind's default. */
    public double tol(double kindDefault) { return rtol != null ? rtol : kindDefault; }
}

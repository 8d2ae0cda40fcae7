package f5j.golden;

import f5j.compute.Backend;
import f5j.compute.Precision;

import java.nio.file.Path;

/**
 * How to replay: the backend, an optional model/vocoder folder overriding the one the golden names,
 * and optional tolerance overrides (relative; absolute, used when set, passes a tensor whose max |a-b| is
 * within it). {@code minRtol}: the loosest a non-exact check may be, for a backend that computes with
 * reduced weights on purpose ({@link #deviceWeightsRtol}); 0 keeps the kinds' own tolerances.
 */
public record VerifyOptions(Backend backend, Path model, Path vocoder, Double rtol, Double atol, double minRtol) {
    public VerifyOptions(Backend backend, Path model, Path vocoder, Double rtol, Double atol) {
        this(backend, model, vocoder, rtol, atol, 0);
    }

    /**
     * The tolerance for a tensor: the override if given, else the kind's default, widened to
     * {@code minRtol}; exact checks (default 0: noise, time grids) stay exact, weights do not touch them.
     */
    public double tol(double kindDefault) {
        if (rtol != null) return rtol;
        return kindDefault == 0 ? 0 : Math.max(kindDefault, minRtol);
    }

    /**
     * The relative tolerance goldens (made with fp32 weights) are checked at when the device stores linear
     * weights as {@code p} ({@code --device-weights}): four times the format's unit roundoff (2^-11 for
     * fp16, 2^-8 for bf16), since every output of such a linear carries the rounding of its weights; 0 for fp32.
     */
    public static double deviceWeightsRtol(Precision p) {
        return switch (p) {
            case FP32 -> 0;
            case FP16 -> 4 * 0x1p-11;
            case BF16 -> 4 * 0x1p-8;
        };
    }
}

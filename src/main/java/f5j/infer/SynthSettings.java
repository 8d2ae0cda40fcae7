package f5j.infer;

import f5j.util.F5jException;

/**
 * The knobs of upstream {@code infer_process}, defaults as its {@code infer_cli}: 32 Euler steps,
 * classifier-free guidance 2, sway sampling −1, speed 1, reference loudness raised to rms 0.1, chunks
 * joined with 0.15 s cross-fades; {@code fixDuration} (seconds of reference + generated audio per chunk)
 * replaces the duration estimate when set.
 */
public record SynthSettings(int nfe, double cfgStrength, Double swaySamplingCoef, double speed, Double fixDuration,
                            double targetRms, double crossFadeSeconds, String method) {
    public static SynthSettings defaults() { return new SynthSettings(32, 2.0, -1.0, 1.0, null, 0.1, 0.15, "euler"); }

    public SynthSettings {
        if (nfe < 1) throw new F5jException("--nfe " + nfe + ": needs at least one step");
        if (!(speed > 0)) throw new F5jException("--speed " + speed + ": must be above 0");
        if (fixDuration != null && !(fixDuration > 0)) throw new F5jException("--fix-duration " + fixDuration + ": must be above 0");
        if (!(targetRms > 0)) throw new F5jException("--target-rms " + targetRms + ": must be above 0");
        if (crossFadeSeconds < 0) throw new F5jException("--cross-fade " + crossFadeSeconds + ": must not be negative");
        if (!method.equals("euler") && !method.equals("midpoint")) {
            throw new F5jException("ODE method " + method + ": unknown (euler, midpoint)");
        }
    }

    public SynthSettings withNfe(int n) {
        return new SynthSettings(n, cfgStrength, swaySamplingCoef, speed, fixDuration, targetRms, crossFadeSeconds, method);
    }
}

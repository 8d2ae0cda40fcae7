package f5j.infer;

import f5j.util.SettingException;
/**
 * The knobs of upstream {@code infer_process}, defaults as its {@code infer_cli}: 32 Euler steps,
 * classifier-free guidance 2, sway sampling −1, speed 1, reference loudness raised to rms 0.1, chunks
 * joined with 0.15 s cross-fades; {@code fixDuration} (seconds of reference + generated audio per chunk)
 * replaces the duration estimate when set. Out-of-range values are refused here, before any work, with a
 * {@link SettingException} naming the component.
 */
public record SynthSettings(int nfe, double cfgStrength, Double swaySamplingCoef, double speed, Double fixDuration,
                            double targetRms, double crossFadeSeconds, String method) {
    /** More ODE steps than this change nothing audible and only cost time (upstream uses 16 to 64). */
    public static final int MAX_NFE = 1000;
    /** Speeds outside this range make chunk durations degenerate (a 0-byte chunk budget, or hours of frames). */
    public static final double MIN_SPEED = 0.05, MAX_SPEED = 20;
    /** CFM.sample's max_duration: 65536 mel frames of 256 samples at 24 kHz (about 699 s). */
    public static final double MAX_FIX_DURATION = 65536.0 * InferText.HOP_LENGTH / InferText.TARGET_SAMPLE_RATE;
    /** Guidance and sway beyond these magnitudes only overflow or flatten the time grid. */
    public static final double MAX_ABS_CFG = 100, MAX_ABS_SWAY = 100;
    public static final double MAX_CROSS_FADE = 10;

    public static SynthSettings defaults() { return new SynthSettings(32, 2.0, -1.0, 1.0, null, 0.1, 0.15, "euler"); }

    public SynthSettings {
        if (nfe < 1 || nfe > MAX_NFE) throw new SettingException("nfe", nfe, "ODE steps must be between 1 and " + MAX_NFE);
        within("cfgStrength", cfgStrength, -MAX_ABS_CFG, MAX_ABS_CFG);
        if (swaySamplingCoef != null) within("swaySamplingCoef", swaySamplingCoef, -MAX_ABS_SWAY, MAX_ABS_SWAY);
        within("speed", speed, MIN_SPEED, MAX_SPEED);
        if (fixDuration != null && !(fixDuration > 0 && fixDuration <= MAX_FIX_DURATION)) {
            throw new SettingException("fixDuration", fixDuration, "seconds must be above 0 and at most "
                    + String.format(java.util.Locale.ROOT, "%.1f", MAX_FIX_DURATION) + " (65536 mel frames, the sampler's limit)");
        }
        if (!(targetRms > 0 && targetRms <= 1)) throw new SettingException("targetRms", targetRms, "must be above 0 and at most 1");
        within("crossFadeSeconds", crossFadeSeconds, 0, MAX_CROSS_FADE);
        if (method == null || !method.equals("euler") && !method.equals("midpoint")) {
            throw new SettingException("method", method, "unknown ODE method (euler, midpoint)");
        }
    }

    private static void within(String name, double v, double lo, double hi) {
        if (!Double.isFinite(v)) throw new SettingException(name, v, "must be a finite number");
        if (v < lo || v > hi) throw new SettingException(name, v, "must be between " + plain(lo) + " and " + plain(hi));
    }

    private static String plain(double v) { return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v); }

    public SynthSettings withNfe(int n) {
        return new SynthSettings(n, cfgStrength, swaySamplingCoef, speed, fixDuration, targetRms, crossFadeSeconds, method);
    }

    public SynthSettings withSpeed(double s) {
        return new SynthSettings(nfe, cfgStrength, swaySamplingCoef, s, fixDuration, targetRms, crossFadeSeconds, method);
    }
}

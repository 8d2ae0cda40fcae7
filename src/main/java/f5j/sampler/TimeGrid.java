package f5j.sampler;

import f5j.numerics.SleefF;

/**
 * The ODE time grids of {@code CFM.sample}, in float32 as upstream computes them: the Empirically Pruned
 * Step Sampling table for the step counts it lists, {@code torch.linspace(0, 1, steps + 1)} otherwise,
 * then optional sway sampling {@code t + s * (cos(pi/2 * t) - 1 + t)} (with torch's float cosine).
 */
public final class TimeGrid {
    private TimeGrid() {}

    /** Upstream get_epss_timesteps: grid points in units of 1/32 for 5, 6, 7, 10, 12 and 16 steps. */
    private static int[] epss(int steps) {
        return switch (steps) {
            case 5 -> new int[] {0, 2, 4, 8, 16, 32};
            case 6 -> new int[] {0, 2, 4, 6, 8, 16, 32};
            case 7 -> new int[] {0, 2, 4, 6, 8, 16, 24, 32};
            case 10 -> new int[] {0, 2, 4, 6, 8, 12, 16, 20, 24, 28, 32};
            case 12 -> new int[] {0, 2, 4, 6, 8, 10, 12, 14, 16, 20, 24, 28, 32};
            case 16 -> new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32};
            default -> null;
        };
    }

    /** steps + 1 times from 0 to 1 (EPSS where tabulated, else uniform), then sway when swayCoef is not null. */
    public static float[] of(int steps, Double swayCoef) {
        if (steps < 1) throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        int[] table = epss(steps);
        float[] t = new float[steps + 1];
        if (table != null) {
            for (int i = 0; i <= steps; i++) t[i] = (float) (1.0 / 32) * table[i];
        } else {
            linspace(0f, 1f, t);
        }
        if (swayCoef != null) {
            float s = swayCoef.floatValue(), halfPi = (float) (Math.PI / 2);
            for (int i = 0; i < t.length; i++) {
                float c = SleefF.cos(halfPi * t[i]);
                t[i] = t[i] + s * ((c - 1f) + t[i]);
            }
        }
        return t;
    }

    /** torch.linspace on the CPU in float32: the first half counts up from start, the rest down from end. */
    static void linspace(float start, float end, float[] out) {
        int n = out.length;
        if (n == 1) {
            out[0] = start;
            return;
        }
        float step = (end - start) / (n - 1);
        int halfway = n / 2;
        for (int i = 0; i < n; i++) out[i] = i < halfway ? start + step * i : end - step * (n - i - 1);
    }
}

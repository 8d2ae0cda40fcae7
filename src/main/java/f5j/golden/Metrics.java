package f5j.golden;

/** Error measures used everywhere a tensor is compared with a reference. */
public final class Metrics {
    private Metrics() {}

    public static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (Double.isNaN(d)) return Double.NaN;
            m = Math.max(m, d);
        }
        return m;
    }

    public static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            if (Float.isNaN(v)) return Double.NaN;
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** max |a-b| / max |b|; 0 when both are all zero. */
    public static double relError(float[] actual, float[] expected) {
        double d = maxAbsDiff(actual, expected), s = maxAbs(expected);
        if (Double.isNaN(d) || Double.isNaN(s)) return Double.NaN;
        return s == 0 ? (d == 0 ? 0 : Double.POSITIVE_INFINITY) : d / s;
    }

    /** Signal-to-noise ratio of actual against expected, in dB. */
    public static double snrDb(float[] actual, float[] expected) {
        double sig = 0, noise = 0;
        for (int i = 0; i < expected.length; i++) {
            sig += (double) expected[i] * expected[i];
            double d = (double) actual[i] - expected[i];
            noise += d * d;
        }
        if (noise == 0) return Double.POSITIVE_INFINITY;
        return 10 * Math.log10(sig / noise);
    }
}

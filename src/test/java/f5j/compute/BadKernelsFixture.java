package f5j.compute;

/** Deliberately broken kernels: KernelOffloadabilityTest checks the checker flags each of them. */
@Kernel
final class BadKernelsFixture {
    static float[] table = new float[4];

    private BadKernelsFixture() {}

    static void allocates(float[] y, int n) {
        float[] tmp = new float[n];
        y[0] = tmp[0];
    }

    static int allocatesObject(int n) { return new StringBuilder().append(n).length(); }

    static void throwsException(float[] y, int n) {
        if (n < 0) throw new IllegalArgumentException();
        y[0] = n;
    }

    static void readsField(float[] y) { y[0] = table[0]; }

    static int callsVirtual(int[] a) { return a.clone().length; }

    static int recurses(int n) { return n <= 0 ? 0 : recurses(n - 1) + 1; }

    static double usesLog1p(double x) { return Math.log1p(x); }

    static float catches(float[] y) {
        try {
            return y[0];
        } catch (ArrayIndexOutOfBoundsException e) {
            return 0f;
        }
    }

    static int takesObject(String s) { return 0; }

    static void namesParameterHalf(float[] y, int half) { y[0] = half; }

    static void clean(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) y[i] = (float) Math.exp(x[i]) + helper(x[i]);
    }

    static float helper(float v) { return Math.max(v, 0f); }
}

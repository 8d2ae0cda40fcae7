package f5j.sampler;

import f5j.numerics.CephesF;

/**
 * PyTorch's default CPU generator: a 32-bit Mersenne Twister (mt19937) seeded the way
 * {@code torch.manual_seed} seeds it, and {@code torch.randn} on top of it, bit for bit.
 *
 * <p>{@code randn} of a float32 tensor takes one of two paths in PyTorch's CPU normal kernel:
 * <ul>
 * <li>fewer than 16 values: one double-precision Box-Muller sample per value (the generator caches the
 * second sample of each pair), rounded to float;</li>
 * <li>16 or more: first every value is drawn as a 24-bit uniform float, then each block of 16 is turned
 * in place into 8 (cos, sin) pairs — {@code u1 = 1 - data[j]}, {@code u2 = data[j + 8]} — and when the
 * size is not a multiple of 16 the last 16 values are drawn again and transformed again. On x86 CPUs
 * with AVX2 the transform uses the single-precision Cephes log/sincos polynomials of avx_mathfun.h,
 * which this class reproduces operation by operation.</li>
 * </ul>
 */
public final class TorchRandom {
    private static final int N = 624, M = 397;
    private final int[] mt = new int[N];
    private int index;
    private double cachedNormal;
    private boolean hasCachedNormal;

    public TorchRandom(long seed) {
        // at::mt19937 keeps the low 32 bits of the seed
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        index = N;
    }

    /** The next 32 random bits (the generator's {@code random()}), as an unsigned value. */
    public long nextUInt32() {
        if (index >= N) twist();
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    /** {@code random64()}: two 32-bit draws, the first one the high half. */
    public long nextUInt64() {
        long hi = nextUInt32(), lo = nextUInt32();
        return (hi << 32) | lo;
    }

    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
            int v = mt[(i + M) % N] ^ (y >>> 1);
            if ((y & 1) != 0) v ^= 0x9908b0df;
            mt[i] = v;
        }
        index = 0;
    }

    /** A float uniform in [0, 1): 24 random bits times 2^-24. */
    float uniformFloat() { return (nextUInt32() & 0xffffff) * 0x1p-24f; }

    /** A double uniform in [0, 1): 53 random bits times 2^-53. */
    double uniformDouble() { return (nextUInt64() & ((1L << 53) - 1)) * 0x1p-53; }

    /** {@code torch.randn(count)} (any shape of that many elements) as float32, standard normal. */
    public float[] randn(int count) {
        float[] out = new float[count];
        if (count < 16) {
            for (int i = 0; i < count; i++) out[i] = (float) normalDouble();
            return out;
        }
        for (int i = 0; i < count; i++) out[i] = uniformFloat();
        for (int i = 0; i + 16 <= count; i += 16) boxMuller16(out, i);
        if (count % 16 != 0) {
            int tail = count - 16;
            for (int i = 0; i < 16; i++) out[tail + i] = uniformFloat();
            boxMuller16(out, tail);
        }
        return out;
    }

    /** The double-precision Box-Muller of the scalar path, with the generator's one-sample cache. */
    private double normalDouble() {
        if (hasCachedNormal) {
            hasCachedNormal = false;
            return cachedNormal;
        }
        double u1 = uniformDouble(), u2 = uniformDouble();
        // PyTorch 1.13 (the goldens' version) takes log(1 - u2); later versions log1p(-u2)
        double r = Math.sqrt(-2.0 * Math.log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        cachedNormal = r * Math.sin(theta);
        hasCachedNormal = true;
        return r * Math.cos(theta);
    }

    private static final float TWO_PI = (float) (2.0 * Math.PI);

    private static void boxMuller16(float[] d, int o) {
        for (int j = 0; j < 8; j++) {
            float u1 = 1f - d[o + j];
            float u2 = d[o + j + 8];
            float radius = (float) Math.sqrt(-2f * CephesF.log(u1));
            float theta = TWO_PI * u2;
            d[o + j] = radius * CephesF.cos(theta);
            d[o + j + 8] = radius * CephesF.sin(theta);
        }
    }
}

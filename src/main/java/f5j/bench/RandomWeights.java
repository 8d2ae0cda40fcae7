package f5j.bench;

import f5j.config.DitArch;
import f5j.tensor.DType;
import f5j.vocoder.VocosConfig;
import f5j.vocoder.VocosShapes;
import f5j.weights.DitShapes;
import f5j.weights.Param;
import f5j.weights.RawTensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded random state dicts with the upstream names and shapes, for benchmarking without a checkpoint: each
 * tensor of a model's parameter list filled as its {@link Param.Init} says; buffers are left to the model.
 */
public final class RandomWeights {
    /** Rows of the text embedding when no vocab is given: the published Emilia vocab (2545) + filler. */
    public static final int DEFAULT_TEXT_ROWS = 2546;

    private RandomWeights() {}

    /** A CFM state dict ({@code transformer.*} keys, {@code ema_model.} already stripped) for a DiT. */
    public static Map<String, RawTensor> dit(DitArch a, int textRows, int melDim, long seed) {
        return of(DitShapes.params(a, textRows - 1, melDim), seed);
    }

    /** A Vocos state dict ({@code backbone.*}, {@code head.*}) for a config. */
    public static Map<String, RawTensor> vocos(VocosConfig c, long seed) {
        return of(VocosShapes.params(c), seed);
    }

    static Map<String, RawTensor> of(List<Param> params, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, RawTensor> sd = new LinkedHashMap<>();
        for (Param p : params) {
            float[] v = new float[Math.toIntExact(Arrays.stream(p.shape()).reduce(1, Math::multiplyExact))];
            switch (p.init()) {
                case Param.Buffer b -> { continue; }
                case Param.Constant c -> Arrays.fill(v, (float) c.value());
                case Param.Uniform u -> { for (int i = 0; i < v.length; i++) v[i] = (float) ((rnd.nextDouble() * 2 - 1) * u.bound()); }
            }
            // a heap segment over the array itself: no second copy of the weights
            sd.put(p.name(), new RawTensor(p.name(), DType.F32, p.shape(), MemorySegment.ofArray(v)));
        }
        return sd;
    }
}

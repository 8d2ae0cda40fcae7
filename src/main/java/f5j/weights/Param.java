package f5j.weights;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One tensor of a model's state dict: its upstream name, its shape, and how random weights fill it. A model's
 * declaration (a list of these, in module order) is the one place its parameters are written down: shape
 * checks, key listings and random weights all derive from it.
 */
public record Param(String name, long[] shape, Init init) {

    /** How random weights fill a tensor (PyTorch's default scale, so activations stay in a normal range). */
    public sealed interface Init {}

    /** Uniform in {@code ±bound}. */
    public record Uniform(double bound) implements Init {}

    /** Every element {@code value}. */
    public record Constant(double value) implements Init {}

    /** A persistent buffer the model computes from its config when the state dict lacks it (windows, mel basis, rotary frequencies). */
    public record Buffer() implements Init {}

    public static Map<String, long[]> shapes(List<Param> params) {
        Map<String, long[]> m = new LinkedHashMap<>();
        for (Param p : params) m.put(p.name(), p.shape());
        return m;
    }

    public static List<String> names(List<Param> params) {
        return params.stream().map(Param::name).toList();
    }

    /** Builds a declaration with the upstream layer types' tensors. */
    public static final class Builder {
        private final List<Param> params = new ArrayList<>();

        public Builder add(String name, Init init, long... shape) {
            params.add(new Param(name, shape, init));
            return this;
        }

        /** nn.Linear: {@code weight} (out x in), {@code bias}, both at PyTorch's ±1/√in. */
        public Builder linear(String module, long out, long in) {
            Uniform u = fanIn(in);
            return add(module + ".weight", u, out, in).add(module + ".bias", u, out);
        }

        /** nn.Conv1d: {@code weight} (out x in/groups x kernel), {@code bias}, at ±1/√(in/groups·kernel). */
        public Builder conv1d(String module, long out, long inPerGroup, long kernel) {
            Uniform u = fanIn(inPerGroup * kernel);
            return add(module + ".weight", u, out, inPerGroup, kernel).add(module + ".bias", u, out);
        }

        /** nn.LayerNorm with affine parameters: identity. */
        public Builder layerNorm(String module, long dim) {
            return add(module + ".weight", new Constant(1), dim).add(module + ".bias", new Constant(0), dim);
        }

        public List<Param> build() { return List.copyOf(params); }
    }

    public static Uniform fanIn(long fanIn) { return new Uniform(1 / Math.sqrt(fanIn)); }
}

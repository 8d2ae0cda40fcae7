package f5j.trace;

import f5j.tensor.Tensor;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Records module outputs by their PyTorch module path, the way a forward hook would: the K-th call of
 * module M is stored as {@code M#K}, a tuple output as {@code M#K.I}. Layers call {@link #record} after
 * computing an output; when the trace is off that costs one branch. Recorded tensors are copies, so
 * layers may reuse their buffers.
 */
public final class Trace {
    /** A trace that records nothing. */
    public static final Trace OFF = new Trace(m -> false);

    private final Predicate<String> filter;
    private final Map<String, Integer> calls = new HashMap<>();
    private final Map<String, Tensor> recorded = new LinkedHashMap<>();

    public Trace(Predicate<String> filter) { this.filter = filter; }

    /** Records every module. */
    public static Trace all() { return new Trace(m -> true); }

    public boolean on() { return this != OFF; }

    public boolean wants(String module) { return on() && filter.test(module); }

    /** Records the output(s) of one call of {@code module}; several outputs make a tuple. */
    public void record(String module, Tensor... outputs) {
        if (!wants(module)) return;
        int k = calls.merge(module, 1, Integer::sum) - 1;
        if (outputs.length == 1) {
            recorded.put(module + "#" + k, outputs[0].copy());
        } else {
            for (int i = 0; i < outputs.length; i++) recorded.put(module + "#" + k + "." + i, outputs[i].copy());
        }
    }

    /** Like {@link #record} for a {@code b n d} activation that PyTorch holds as {@code b d n} (conv outputs). */
    public void recordTransposed(String module, Tensor bnd) {
        if (!wants(module)) return;
        record(module, bnd.transposeLast2());
    }

    /** Everything recorded so far, in call order, keyed {@code MODULE#K[.I]}. */
    public Map<String, Tensor> recorded() { return recorded; }
}

package f5j.compute;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Backend} decorator that sums every operation's wall time and call count by name (and, for
 * linear and conv1d, by shape): the profile of where a forward spends its time. Only the time inside
 * backend calls is seen; the rest of a forward shows up as the difference to the total.
 */
public final class OpProfile implements Backend {
    public record Entry(String op, long calls, double seconds, double flops) {}

    private final Map<String, double[]> acc = new LinkedHashMap<>();
    private final Backend inner;

    public OpProfile(Backend inner) { this.inner = inner; }

    /** This profiler itself, the backend to hand to the model. */
    public Backend backend() { return this; }

    @Override public String name() { return inner.name(); }

    @Override
    public void execute(Op op) {
        long t0 = System.nanoTime();
        inner.execute(op);
        record(op, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Adds one call of op that took {@code seconds}: what {@link #execute} does for host calls, and what a
     * device plan's per-step kernel times are fed through (the op's scalars are all it reads).
     */
    public void record(Op op, double seconds) {
        String key = Ops.name(op);
        double flops = 0;
        switch (op) {
            case Op.Linear o -> {
                key = "linear " + (o.rows() < 16 ? "few rows " : "") + o.in() + "->" + o.out();
                flops = 2.0 * o.rows() * o.in() * o.out();
            }
            case Op.Attention o -> flops = 4.0 * o.batch() * o.heads() * o.len() * (double) o.len() * o.dh();
            case Op.Conv1d o -> {
                key = "conv1d k" + o.k() + (o.groups() == 1 ? "" : o.groups() == o.cin() ? " depthwise" : " groups " + o.groups());
                flops = 2.0 * o.batch() * o.len() * o.cout() * (o.cin() / o.groups()) * o.k();
            }
            default -> { }
        }
        synchronized (acc) {
            double[] e = acc.computeIfAbsent(key, x -> new double[3]);
            e[0]++;
            e[1] += seconds;
            e[2] += flops;
        }
    }

    public void reset() {
        synchronized (acc) { acc.clear(); }
    }

    /** Entries by descending time. */
    public List<Entry> entries() {
        List<Entry> l = new ArrayList<>();
        synchronized (acc) {
            acc.forEach((k, v) -> l.add(new Entry(k, (long) v[0], v[1], v[2])));
        }
        l.sort((a, b) -> Double.compare(b.seconds, a.seconds));
        return l;
    }
}

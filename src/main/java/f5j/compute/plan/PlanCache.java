package f5j.compute.plan;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiled plans kept by shape, so a model compiles once per frame count and every later sample, chunk or
 * ODE solve of that shape reuses the compiled kernels and the resident weights. A shape is the plan's
 * steps with their scalars and buffer wiring, its buffers' names, roles and lengths, and the identity of
 * its weight arrays (two loaded models of one architecture are two shapes). A cached executor is handed
 * the new recording ({@link Compiler#rebind}: its inputs and small per-sample constants); when it refuses
 * (a large constant changed) a new one is compiled in its place. The least recently used plan is closed
 * beyond {@code capacity} (each holds its own device copy of the weights). An executor serves every
 * recording of its shape in turn: runs must not overlap (f5j runs one synthesis at a time per backend).
 */
public final class PlanCache<E extends PlanExecutor> implements AutoCloseable {
    /** How a backend builds an executor and rebinds it to another recording of the same shape. */
    public interface Compiler<E> {
        E compile(Plan plan);

        /** Points exec at this recording of its shape; false when it cannot (then it is closed and recompiled). */
        boolean rebind(E exec, Plan plan);
    }

    private final int capacity;
    private final Compiler<E> compiler;
    private final Map<Key, E> plans = new LinkedHashMap<>(4, 0.75f, true);
    private int compiled, reused;
    private double closedCompileSeconds;

    public PlanCache(int capacity, Compiler<E> compiler) {
        if (capacity < 1) throw new IllegalArgumentException("capacity " + capacity);
        this.capacity = capacity;
        this.compiler = compiler;
    }

    /**
     * The executor for this recording, compiled now or reused; closing the returned view leaves the cached
     * executor alive, and its {@link PlanExecutor#compileSeconds} is 0 when nothing was compiled for it.
     */
    public synchronized PlanExecutor get(Plan plan) {
        Key key = Key.of(plan);
        E exec = plans.get(key);
        boolean reuse = exec != null && compiler.rebind(exec, plan);
        if (reuse) {
            reused++;
        } else {
            if (exec != null) close(plans.remove(key));
            exec = compiler.compile(plan);
            compiled++;
            plans.put(key, exec);
            for (Iterator<Map.Entry<Key, E>> it = plans.entrySet().iterator(); plans.size() > capacity; ) {
                close(it.next().getValue());
                it.remove();
            }
        }
        E e = exec;
        return new PlanExecutor() {
            @Override public Map<String, float[]> run(Map<String, ?> inputs) { return e.run(inputs); }

            @Override public long lastRunUploadBytes() { return e.lastRunUploadBytes(); }

            @Override public double compileSeconds() { return reuse ? 0 : e.compileSeconds(); }

            @Override public boolean profileSteps(boolean on) { return e.profileSteps(on); }

            @Override public List<StepTime> lastRunSteps() { return e.lastRunSteps(); }
        };
    }

    /** Plans compiled so far (a reused plan does not count). */
    public synchronized int compiled() { return compiled; }

    /** Recordings served by a cached plan. */
    public synchronized int reused() { return reused; }

    /** Seconds of the compiled plans' first runs (compilation, weight upload, one run), closed ones included. */
    public synchronized double compileSeconds() {
        double s = closedCompileSeconds;
        for (E e : plans.values()) s += e.compileSeconds();
        return s;
    }

    private void close(E e) {
        closedCompileSeconds += e.compileSeconds();
        e.close();
    }

    /** Plans held now. */
    public synchronized int size() { return plans.size(); }

    @Override
    public synchronized void close() {
        for (E e : plans.values()) close(e);
        plans.clear();
    }

    /** A plan's shape (see the class comment). */
    record Key(String shape, List<Identity> weights) {
        static Key of(Plan plan) {
            StringBuilder sb = new StringBuilder(plan.summary(true));
            List<Identity> w = new ArrayList<>();
            for (Plan.Buffer b : plan.buffers()) {
                sb.append(b.name()).append(':').append(b.role()).append(':').append(b.length()).append('\n');
                if (b.role() == Plan.Role.WEIGHT) w.add(new Identity(b.host()));
            }
            return new Key(sb.toString(), w);
        }
    }

    /** Compares by reference: the weights of one loaded model are the same arrays in every recording. */
    record Identity(Object o) {
        @Override public boolean equals(Object other) { return other instanceof Identity r && r.o == o; }

        @Override public int hashCode() { return System.identityHashCode(o); }
    }
}

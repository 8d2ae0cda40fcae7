package f5j.compute.tornado;

import f5j.compute.Backend;
import f5j.compute.Op;
import f5j.compute.Ops;
import f5j.compute.plan.Plan;
import f5j.compute.plan.PlanCompiler;
import f5j.compute.plan.PlanExecutor;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;

import java.lang.reflect.Array;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TornadoVM backend ({@code --backend tornado}, built with {@code -Ptornadovm}).
 *
 * <p>Whole plans ({@link PlanCompiler#compile}) are the fast path: task graphs built once, weights resident
 * on the device, one execution plan reused for every run. Single ops, which the layers issue when they are
 * not driven through a plan, are offloaded as one-task plans cached per op shape; their arrays travel both
 * ways on every call, so that path is for correctness, not speed. Either way each op becomes its
 * {@link TornadoKernels} twin(s) in {@link TornadoPlanExecutor#tasks}.
 */
public final class TornadoBackend implements Backend, PlanCompiler {
    /** Tasks per TornadoVM task graph (each graph's bytecode is bounded by -Dtornado.tvm.maxbytecodesize). */
    static final int TASKS_PER_GRAPH = Integer.getInteger("f5j.tornado.tasksPerGraph", 32);

    private final Map<String, PlanExecutor> singleCalls = new ConcurrentHashMap<>();
    private final String device;

    private TornadoBackend() {
        // Touching the execution plan class starts the TornadoVM runtime and picks the default device; it
        // fails here, with TornadoVM's own message, when the JVM was not started with TornadoVM's flags.
        device = TornadoExecutionPlan.DEFAULT_DEVICE.getDeviceName() + " ("
                + TornadoExecutionPlan.DEFAULT_DEVICE.getDescription() + ")";
    }

    /** Called by f5j.cli.Backends through reflection, so the default build never links TornadoVM. */
    public static Backend create() { return new TornadoBackend(); }

    @Override public String name() { return "tornado"; }

    @Override public String toString() { return "tornado[" + device + "]"; }

    @Override
    public PlanExecutor compile(Plan plan) { return new TornadoPlanExecutor(plan, TASKS_PER_GRAPH); }

    /** One op: a cached one-task plan for this shape; arrays in, the arrays it writes copied back. */
    @Override
    public void execute(Op op) {
        Ops.Access[] acc = Ops.access(op.getClass());
        String[] names = Ops.componentNames(op.getClass());
        Object[] v = Ops.values(op);
        StringBuilder key = new StringBuilder(op.getClass().getName());
        Map<String, Object> inputs = new HashMap<>();
        for (int i = 0; i < v.length; i++) {
            if (acc[i] == null) {
                key.append('|').append(v[i]);
            } else {
                key.append('|').append(v[i] == null ? "null" : Array.getLength(v[i]));
                if (v[i] != null && acc[i] != Ops.Access.WRITE) inputs.put(names[i], v[i]);
            }
        }
        PlanExecutor exec = singleCalls.computeIfAbsent(key.toString(), k -> new TornadoPlanExecutor(Plan.ofCall(op), 1));
        Map<String, float[]> out = exec.run(inputs);
        for (int i = 0; i < v.length; i++) {
            if (acc[i] != null && acc[i] != Ops.Access.READ && v[i] != null) {
                float[] r = out.get(names[i]);
                System.arraycopy(r, 0, (float[]) v[i], 0, r.length);
            }
        }
    }
}

package f5j.compute.tornado;

import f5j.compute.plan.Plan;
import f5j.compute.plan.Plan.Buffer;
import f5j.compute.plan.Plan.Step;
import f5j.compute.plan.PlanExecutor;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Plan} translated one to one into TornadoVM task graphs: one task per plan step, in order, split
 * into graphs of at most {@code tasksPerGraph} tasks (TornadoVM bounds the bytecode of one graph) that
 * hand their live buffers on with persistOnDevice / consumeFromDevice. Weights and constants are
 * transferred FIRST_EXECUTION (uploaded once, then resident), activations FIRST_EXECUTION too (allocated
 * once, never copied back), inputs EVERY_EXECUTION, outputs copied back EVERY_EXECUTION. The same
 * {@link TornadoExecutionPlan} is executed on every {@link #run}, e.g. once per ODE step.
 */
final class TornadoPlanExecutor implements PlanExecutor {
    private static final AtomicInteger PLANS = new AtomicInteger();

    private final Plan plan;
    private final FloatArray[] device;
    private final TornadoExecutionPlan execution;

    TornadoPlanExecutor(Plan plan, int tasksPerGraph) {
        this.plan = plan.requireValid();
        int nb = plan.buffers().size(), ns = plan.steps().size();
        device = new FloatArray[nb];
        for (Buffer b : plan.buffers()) {
            device[b.id()] = new FloatArray(b.length());
            if (b.host() != null) copyIn(b.host(), device[b.id()]);
            else device[b.id()].init(0f); // off-heap arrays start with garbage
        }
        FloatArray none = new FloatArray(1);
        none.init(0f);

        // First and last step touching each buffer; outputs stay live to the end to be copied back.
        int[] first = new int[nb], last = new int[nb];
        Arrays.fill(first, Integer.MAX_VALUE);
        Arrays.fill(last, -1);
        for (int s = 0; s < ns; s++) {
            for (var a : plan.steps().get(s).args()) {
                if (a instanceof Plan.Arg.Buf(int id)) {
                    first[id] = Math.min(first[id], s);
                    last[id] = Math.max(last[id], s);
                }
            }
        }
        for (Buffer b : plan.withRole(Plan.Role.OUTPUT)) last[b.id()] = ns;

        String prefix = "f5j" + PLANS.incrementAndGet() + "_";
        List<ImmutableTaskGraph> graphs = new ArrayList<>();
        int chunks = Math.max(1, (ns + tasksPerGraph - 1) / tasksPerGraph);
        for (int c = 0; c < chunks; c++) {
            int start = c * tasksPerGraph, end = Math.min(ns, start + tasksPerGraph);
            TaskGraph g = new TaskGraph(prefix + c);
            List<Object> consumed = new ArrayList<>(), once = new ArrayList<>(), every = new ArrayList<>(),
                    persisted = new ArrayList<>(), back = new ArrayList<>();
            for (Buffer b : plan.buffers()) {
                int id = b.id();
                if (first[id] < start && last[id] >= start) consumed.add(device[id]);
                if (first[id] >= start && first[id] < end) (b.uploadedEveryRun() ? every : once).add(device[id]);
                if (first[id] < end && last[id] >= end) persisted.add(device[id]);
                if (c == chunks - 1 && b.role() == Plan.Role.OUTPUT) back.add(device[id]);
            }
            if (!consumed.isEmpty()) g.consumeFromDevice(prefix + (c - 1), consumed.toArray());
            if (!once.isEmpty()) g.transferToDevice(DataTransferMode.FIRST_EXECUTION, once.toArray());
            if (!every.isEmpty()) g.transferToDevice(DataTransferMode.EVERY_EXECUTION, every.toArray());
            for (int s = start; s < end; s++) addTask(g, "s" + s, plan.steps().get(s), device, none);
            if (!persisted.isEmpty()) g.persistOnDevice(persisted.toArray());
            if (!back.isEmpty()) g.transferToHost(DataTransferMode.EVERY_EXECUTION, back.toArray());
            graphs.add(g.snapshot());
        }
        execution = new TornadoExecutionPlan(graphs.toArray(new ImmutableTaskGraph[0]));
    }

    /** The task for one step: the Backend method's arguments mapped onto its {@link TornadoKernels} twin. */
    static void addTask(TaskGraph g, String id, Step s, FloatArray[] device, FloatArray none) {
        switch (s.name()) {
            // linear(x, rows, in, w, b, out, y)
            case "linear" -> g.task(id, TornadoKernels::linear, a(s, 0, device, none), s.i(2), a(s, 3, device, none),
                    a(s, 4, device, none), flag(s, 4), s.i(5), a(s, 6, device, none), s.i(1));
            // layerNorm(x, rows, dim, gamma, beta, eps, y)
            case "layerNorm" -> g.task(id, TornadoKernels::layerNorm, a(s, 0, device, none), s.i(2),
                    a(s, 3, device, none), a(s, 4, device, none), flag(s, 3), s.f(5), a(s, 6, device, none), s.i(1));
            // rmsNorm(x, rows, dim, gamma, eps, y)
            case "rmsNorm" -> g.task(id, TornadoKernels::rmsNorm, a(s, 0, device, none), s.i(2),
                    a(s, 3, device, none), s.f(4), a(s, 5, device, none), s.i(1));
            // unary(x, n, y)
            case "silu" -> g.task(id, TornadoKernels::silu, a(s, 0, device, none), a(s, 2, device, none), s.i(1));
            case "mish" -> g.task(id, TornadoKernels::mish, a(s, 0, device, none), a(s, 2, device, none), s.i(1));
            case "geluErf" -> g.task(id, TornadoKernels::geluErf, a(s, 0, device, none), a(s, 2, device, none), s.i(1));
            case "geluTanh" -> g.task(id, TornadoKernels::geluTanh, a(s, 0, device, none), a(s, 2, device, none), s.i(1));
            // binary(a, b, n, y)
            case "add" -> g.task(id, TornadoKernels::add, a(s, 0, device, none), a(s, 1, device, none),
                    a(s, 3, device, none), s.i(2));
            case "mul" -> g.task(id, TornadoKernels::mul, a(s, 0, device, none), a(s, 1, device, none),
                    a(s, 3, device, none), s.i(2));
            // conv1d(x, batch, len, cin, w, b, cout, k, groups, pad, y)
            case "conv1d" -> g.task(id, TornadoKernels::conv1d, a(s, 0, device, none), s.i(2), s.i(3),
                    a(s, 4, device, none), a(s, 5, device, none), flag(s, 5), s.i(6), s.i(7), s.i(8), s.i(9),
                    a(s, 10, device, none), s.i(1) * s.i(2));
            // attention(q, k, v, batch, len, heads, dh, keyMask, out)
            case "attention" -> g.task(id, TornadoKernels::attention, a(s, 0, device, none), a(s, 1, device, none),
                    a(s, 2, device, none), s.i(4), s.i(5), s.i(6), a(s, 7, device, none), flag(s, 7),
                    a(s, 8, device, none), s.i(3) * s.i(5) * s.i(4));
            default -> throw new UnsupportedOperationException("Backend." + s.name()
                    + " has no TornadoVM twin in f5j.compute.tornado.TornadoKernels yet");
        }
    }

    private static FloatArray a(Step s, int i, FloatArray[] device, FloatArray none) {
        return s.isNone(i) ? none : device[s.buf(i)];
    }

    private static int flag(Step s, int i) { return s.isNone(i) ? 0 : 1; }

    @Override
    public Map<String, float[]> run(Map<String, float[]> inputs) {
        for (Buffer b : plan.buffers()) {
            if (b.role() == Plan.Role.INPUT) {
                float[] v = inputs.get(b.name());
                if (v == null) throw new IllegalArgumentException("plan input " + b.name() + " not given");
                if (v.length != b.length()) {
                    throw new IllegalArgumentException("plan input " + b.name() + " has " + v.length
                            + " values, the plan was recorded with " + b.length());
                }
                copyIn(v, device[b.id()]);
            } else if (b.resetEachRun()) {
                copyIn(b.host(), device[b.id()]);
            }
        }
        execution.execute();
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Buffer b : plan.withRole(Plan.Role.OUTPUT)) {
            float[] v = new float[b.length()];
            MemorySegment.copy(device[b.id()].getSegment(), ValueLayout.JAVA_FLOAT, 0, v, 0, v.length);
            out.put(b.name(), v);
        }
        return out;
    }

    private static void copyIn(float[] src, FloatArray dst) {
        MemorySegment.copy(src, 0, dst.getSegment(), ValueLayout.JAVA_FLOAT, 0, src.length);
    }

    @Override
    public void close() {
        execution.freeDeviceMemory();
    }
}

package f5j.compute.tornado;

import f5j.compute.plan.Plan;
import f5j.compute.plan.Plan.Buffer;
import f5j.compute.plan.HostPlanExecutor;
import f5j.compute.plan.Plan.Step;
import f5j.compute.plan.PlanExecutor;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

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
    private final TornadoNativeArray[] device; // FloatArray or IntArray per plan buffer
    private final TornadoExecutionPlan execution;

    TornadoPlanExecutor(Plan plan, int tasksPerGraph) {
        this.plan = plan.requireValid();
        int nb = plan.buffers().size(), ns = plan.steps().size();
        device = allocate(plan);
        FloatArray none = dummy();

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
            for (int s = start; s < end; s++) {
                for (TwinCall t : tasks("s" + s, plan.steps().get(s), device, none)) t.addTo(g);
            }
            if (!persisted.isEmpty()) g.persistOnDevice(persisted.toArray());
            if (!back.isEmpty()) g.transferToHost(DataTransferMode.EVERY_EXECUTION, back.toArray());
            graphs.add(g.snapshot());
        }
        execution = new TornadoExecutionPlan(graphs.toArray(new ImmutableTaskGraph[0]));
    }

    /**
     * The tasks for one step: the Backend method's arguments mapped onto its {@link TornadoKernels} twin(s)
     * (scalars as recorded, sizes of the parallel range computed from them, absent arrays as flag 0).
     */
    static List<TwinCall> tasks(String id, Step s, TornadoNativeArray[] device, FloatArray none) {
        Args a = new Args(s, device, none);
        return switch (s.name()) {
            // linear(x, rows, in, w, b, out, y)
            case "linear" -> List.of(TwinCall.of(id, TornadoKernels::linear, a.f(0), s.i(2), a.f(3), a.f(4), a.flag(4), s.i(5),
                    a.f(6), s.i(1)));
            // layerNorm(x, rows, dim, gamma, beta, eps, y)
            case "layerNorm" -> List.of(TwinCall.of(id, TornadoKernels::layerNorm, a.f(0), s.i(2), a.f(3), a.f(4), a.flag(3),
                    s.f(5), a.f(6), s.i(1)));
            // rmsNorm(x, rows, dim, gamma, eps, y)
            case "rmsNorm" -> List.of(TwinCall.of(id, TornadoKernels::rmsNorm, a.f(0), s.i(2), a.f(3), s.f(4), a.f(5), s.i(1)));
            // unary(x, n, y)
            case "silu" -> List.of(TwinCall.of(id, TornadoKernels::silu, a.f(0), a.f(2), s.i(1)));
            case "mish" -> List.of(TwinCall.of(id, TornadoKernels::mish, a.f(0), a.f(2), s.i(1)));
            case "geluErf" -> List.of(TwinCall.of(id, TornadoKernels::geluErf, a.f(0), a.f(2), s.i(1)));
            case "geluTanh" -> List.of(TwinCall.of(id, TornadoKernels::geluTanh, a.f(0), a.f(2), s.i(1)));
            // binary(a, b, n, y)
            case "add" -> List.of(TwinCall.of(id, TornadoKernels::add, a.f(0), a.f(1), a.f(3), s.i(2)));
            case "mul" -> List.of(TwinCall.of(id, TornadoKernels::mul, a.f(0), a.f(1), a.f(3), s.i(2)));
            // conv1d(x, batch, len, cin, w, b, cout, k, groups, pad, y)
            case "conv1d" -> List.of(TwinCall.of(id, TornadoKernels::conv1d, a.f(0), s.i(2), s.i(3), a.f(4), a.f(5), a.flag(5),
                    s.i(6), s.i(7), s.i(8), s.i(9), a.f(10), s.i(1) * s.i(2)));
            // attention(q, k, v, batch, len, heads, dh, keyMask, out)
            case "attention" -> List.of(TwinCall.of(id, TornadoKernels::attention, a.f(0), a.f(1), a.f(2), s.i(4), s.i(5), s.i(6),
                    a.f(7), a.flag(7), a.f(8), s.i(3) * s.i(5) * s.i(4)));
            // gatherRows(table, dim, ids, rows, y)
            case "gatherRows" -> List.of(TwinCall.of(id, TornadoKernels::gatherRows, a.f(0), s.i(1), a.ints(2), a.f(4), s.i(3)));
            // zeroRows(x, rows, dim, keep)
            case "zeroRows" -> List.of(TwinCall.of(id, TornadoKernels::zeroRows, a.f(0), s.i(2), a.f(3), s.i(1)));
            // concatLast(a, da, b, db, bZero, c, dc, rows, y)
            case "concatLast" -> List.of(TwinCall.of(id, TornadoKernels::concatLast, a.f(0), s.i(1), a.f(2), s.i(3), s.bool(4) ? 1 : 0,
                    a.f(5), s.i(6), a.f(8), s.i(7)));
            // modulate(x, batch, len, dim, emb, embWidth, scaleOff, shiftOff, y)
            case "modulate" -> List.of(TwinCall.of(id, TornadoKernels::modulate, a.f(0), s.i(2), s.i(3), a.f(4), s.i(5), s.i(6),
                    s.i(7), a.f(8), s.i(1) * s.i(2)));
            // gatedAdd(x, y, batch, len, dim, emb, embWidth, gateOff)
            case "gatedAdd" -> List.of(TwinCall.of(id, TornadoKernels::gatedAdd, a.f(0), a.f(1), s.i(3), s.i(4), a.f(5), s.i(6),
                    s.i(7), s.i(2) * s.i(3)));
            // grn(x, batch, len, dim, gamma, beta, nx, y): two tasks, as on the CPU
            case "grn" -> List.of(TwinCall.of(id + "a", TornadoKernels::grnScale, a.f(0), s.i(2), s.i(3), a.f(6), s.i(1)),
                    TwinCall.of(id + "b", TornadoKernels::grnApply, a.f(0), s.i(2), s.i(3), a.f(6), a.f(4), a.f(5),
                            a.f(7), s.i(1) * s.i(2)));
            // angleTable(invFreq, half, len, cos, sin)
            case "angleTable" -> List.of(TwinCall.of(id, TornadoKernels::angleTable, a.f(0), s.i(1), a.f(3), a.f(4), s.i(2)));
            // addCosSin(x, batch, len, half, cos, sin, validLen)
            case "addCosSin" -> List.of(TwinCall.of(id, TornadoKernels::addCosSin, a.f(0), s.i(2), s.i(3), a.f(4), a.f(5), a.ints(6),
                    s.i(1) * s.i(2)));
            // rotary(x, batch, len, heads, dh, ropeHeads, cos, sin)
            case "rotary" -> List.of(TwinCall.of(id, TornadoKernels::rotary, a.f(0), s.i(2), s.i(3), s.i(4), s.i(5), a.f(6), a.f(7),
                    s.i(1) * s.i(2)));
            // timestepSinusoid(time, batch, scale, freqs, half, y)
            case "timestepSinusoid" -> List.of(TwinCall.of(id, TornadoKernels::timestepSinusoid, a.f(0), s.f(2), a.f(3), s.i(4),
                    a.f(5), s.i(1)));
            // addScaled(a, b, s, n, y)
            case "addScaled" -> List.of(TwinCall.of(id, TornadoKernels::addScaled, a.f(0), a.f(1), s.f(2), a.f(4), s.i(3)));
            // cfgCombine(packed, half, cfg, y)
            case "cfgCombine" -> List.of(TwinCall.of(id, TornadoKernels::cfgCombine, a.f(0), s.i(1), s.f(2), a.f(3)));
            // scaleLast(x, rows, dim, g, y)
            case "scaleLast" -> List.of(TwinCall.of(id, TornadoKernels::scaleLast, a.f(0), s.i(2), a.f(3), a.f(4), s.i(1)));
            // polarSpectrum(x, rows, bins, maxMag, re, im)
            case "polarSpectrum" -> List.of(TwinCall.of(id, TornadoKernels::polarSpectrum, a.f(0), s.i(2), s.f(3), a.f(4),
                    a.f(5), s.i(1)));
            default -> throw new UnsupportedOperationException("Backend." + s.name()
                    + " has no TornadoVM twin in f5j.compute.tornado.TornadoKernels yet");
        };
    }

    /** A step's array arguments as device arrays; absent ones are a 1-element dummy with flag 0. */
    private record Args(Step s, TornadoNativeArray[] device, FloatArray none) {
        FloatArray f(int i) { return s.isNone(i) ? none : (FloatArray) device[s.buf(i)]; }

        IntArray ints(int i) {
            if (s.isNone(i)) throw new IllegalArgumentException("Backend." + s.name() + ": int array " + i + " is null");
            return (IntArray) device[s.buf(i)];
        }

        int flag(int i) { return s.isNone(i) ? 0 : 1; }
    }

    @Override
    public Map<String, float[]> run(Map<String, ?> inputs) {
        upload(plan, device, inputs);
        execution.execute();
        return download(plan, device);
    }

    /**
     * Runs the plan's tasks on the JVM, in order, on TornadoVM's off-heap arrays but without its runtime
     * (the @Parallel loops run as plain loops): tests the translation and the twins where no device is.
     */
    static Map<String, float[]> runTasksOnHost(Plan plan, Map<String, ?> inputs) {
        TornadoNativeArray[] device = allocate(plan.requireValid());
        FloatArray none = dummy();
        upload(plan, device, inputs);
        for (int s = 0; s < plan.steps().size(); s++) {
            for (TwinCall t : tasks("s" + s, plan.steps().get(s), device, none)) t.runOnHost();
        }
        return download(plan, device);
    }

    private static TornadoNativeArray[] allocate(Plan plan) {
        TornadoNativeArray[] device = new TornadoNativeArray[plan.buffers().size()];
        for (Buffer b : plan.buffers()) {
            if (b.isInt()) {
                IntArray d = new IntArray(b.length());
                d.init(0); // off-heap arrays start with garbage
                device[b.id()] = d;
            } else {
                FloatArray d = new FloatArray(b.length());
                d.init(0f);
                device[b.id()] = d;
            }
            if (b.host() != null) copyIn(b.host(), device[b.id()]);
        }
        return device;
    }

    /** Stands in for an absent (null) array argument; its flag argument tells the kernel not to read it. */
    private static FloatArray dummy() {
        FloatArray none = new FloatArray(1);
        none.init(0f);
        return none;
    }

    private static void upload(Plan plan, TornadoNativeArray[] device, Map<String, ?> inputs) {
        for (Buffer b : plan.buffers()) {
            if (b.fromRunInputs()) copyIn(HostPlanExecutor.checkedInput(b, inputs), device[b.id()]);
            else if (b.resetEachRun()) copyIn(b.host(), device[b.id()]);
        }
    }

    private static Map<String, float[]> download(Plan plan, TornadoNativeArray[] device) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Buffer b : plan.withRole(Plan.Role.OUTPUT)) {
            float[] v = new float[b.length()];
            MemorySegment.copy(device[b.id()].getSegment(), ValueLayout.JAVA_FLOAT, 0, v, 0, v.length);
            out.put(b.name(), v);
        }
        return out;
    }

    private static void copyIn(Object src, TornadoNativeArray dst) {
        if (src instanceof float[] f) MemorySegment.copy(f, 0, dst.getSegment(), ValueLayout.JAVA_FLOAT, 0, f.length);
        else { int[] v = (int[]) src; MemorySegment.copy(v, 0, dst.getSegment(), ValueLayout.JAVA_INT, 0, v.length); }
    }

    @Override
    public void close() {
        execution.freeDeviceMemory();
    }
}

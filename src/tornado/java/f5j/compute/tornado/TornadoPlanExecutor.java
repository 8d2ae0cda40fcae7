package f5j.compute.tornado;

import f5j.compute.Op;
import f5j.compute.plan.HostPlanExecutor;
import f5j.compute.plan.Plan;
import f5j.compute.plan.Plan.Buffer;
import f5j.compute.plan.PlanExecutor;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid2D;
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
 * into graphs of at most {@code tasksPerGraph} steps that hand their live buffers on with persistOnDevice /
 * consumeFromDevice, executed graph by graph (TornadoVM 5.2.0 limits and bugs: tools/tornadovm/README.md).
 * Weights are transferred FIRST_EXECUTION (uploaded once, then resident), activations FIRST_EXECUTION too
 * (allocated once, never copied back), inputs EVERY_EXECUTION, outputs copied back EVERY_EXECUTION.
 * Constants (host arrays the recorder could not name as weights, which without a state dict includes the
 * weights) are resident when large and sent every run when no larger than twice the largest input: those
 * are the per-chunk tables (conditioning mel, text ids, masks), and re-sending them lets {@link #rebind}
 * reuse the plan for another chunk. The same {@link TornadoExecutionPlan} runs on every {@link #run}, e.g.
 * once per ODE step.
 */
final class TornadoPlanExecutor implements PlanExecutor {
    private static final AtomicInteger PLANS = new AtomicInteger();

    private Plan plan; // swapped by rebind for a recording of the same shape
    private final TornadoNativeArray[] device; // FloatArray or IntArray per plan buffer
    private final TornadoExecutionPlan execution;
    private final long onceBytes, everyBytes;
    private final int graphCount;
    private double compileSeconds;
    private boolean ranOnce;
    private long lastUploadBytes;

    TornadoPlanExecutor(Plan plan, int tasksPerGraph) {
        this.plan = plan.requireValid();
        smallConstant = smallConstant(plan);
        int nb = plan.buffers().size(), ns = plan.steps().size();
        device = allocate(plan);
        FloatArray none = dummy();

        // First and last step touching each buffer; outputs stay live to the end to be copied back.
        int[] first = new int[nb], last = new int[nb];
        Arrays.fill(first, Integer.MAX_VALUE);
        Arrays.fill(last, -1);
        for (int s = 0; s < ns; s++) {
            for (int id : plan.bufferIds(plan.steps().get(s))) {
                if (id < 0) continue;
                first[id] = Math.min(first[id], s);
                last[id] = Math.max(last[id], s);
            }
        }
        for (Buffer b : plan.withRole(Plan.Role.OUTPUT)) last[b.id()] = ns;

        String prefix = "f5j" + PLANS.incrementAndGet() + "_";
        List<ImmutableTaskGraph> graphs = new ArrayList<>();
        GridScheduler grids = new GridScheduler();
        boolean anyGrid = false;
        Args args = new Args(plan, device, none);
        int chunks = Math.max(1, (ns + tasksPerGraph - 1) / tasksPerGraph);
        for (int c = 0; c < chunks; c++) {
            int start = c * tasksPerGraph, end = Math.min(ns, start + tasksPerGraph);
            TaskGraph g = new TaskGraph(prefix + c);
            int nt = 3 * (end - start); // at most three tasks per step (Grn)
            if (end - start > 40) GraphCapacity.grow(g, nt, 8192 + 128 * nt + 64 * nb);
            List<Object> consumed = new ArrayList<>(), once = new ArrayList<>(), every = new ArrayList<>(),
                    persisted = new ArrayList<>(), back = new ArrayList<>();
            for (Buffer b : plan.buffers()) {
                int id = b.id();
                if (first[id] < start && last[id] >= start) consumed.add(device[id]);
                if (first[id] >= start && first[id] < end) (everyRun(b) ? every : once).add(device[id]);
                if (first[id] < end && last[id] >= end) persisted.add(device[id]);
                if (c == chunks - 1 && b.role() == Plan.Role.OUTPUT) back.add(device[id]);
            }
            if (!consumed.isEmpty()) g.consumeFromDevice(prefix + (c - 1), consumed.toArray());
            if (!once.isEmpty()) g.transferToDevice(DataTransferMode.FIRST_EXECUTION, once.toArray());
            if (!every.isEmpty()) g.transferToDevice(DataTransferMode.EVERY_EXECUTION, every.toArray());
            for (int s = start; s < end; s++) {
                for (TwinCall t : tasks("s" + s, plan.steps().get(s), args)) {
                    t.addTo(g);
                    if (t.grid() != null) {
                        grids.addWorkerGrid(prefix + c + "." + t.id(), t.grid());
                        anyGrid = true;
                    }
                }
            }
            if (!persisted.isEmpty()) g.persistOnDevice(persisted.toArray());
            if (!back.isEmpty()) g.transferToHost(DataTransferMode.EVERY_EXECUTION, back.toArray());
            graphs.add(g.snapshot());
        }
        long o = 0, e = 0;
        for (Buffer b : plan.buffers()) {
            if (first[b.id()] == Integer.MAX_VALUE) continue; // never reaches a kernel
            if (everyRun(b)) e += 4L * b.length();
            else if (b.role() == Plan.Role.WEIGHT || b.role() == Plan.Role.CONSTANT || b.resetEachRun()) o += 4L * b.length();
        }
        onceBytes = o;
        everyBytes = e;
        // No withPreCompilation(): TornadoVM 5.2.0 then refuses to run any pre-compiled plan once another plan
        // on the device has been freed (a device-wide "reset() was called after warmup()" flag).
        TornadoExecutionPlan ex = new TornadoExecutionPlan(graphs.toArray(new ImmutableTaskGraph[0]));
        execution = anyGrid ? ex.withGridScheduler(grids) : ex;
        graphCount = graphs.size();
    }

    private final int smallConstant;

    /** Sent before every execution: the per-run inputs, buffers reset each run, and the small constants. */
    private boolean everyRun(Buffer b) {
        return b.uploadedEveryRun() || (b.role() == Plan.Role.CONSTANT && b.length() <= smallConstant);
    }

    private static int smallConstant(Plan plan) {
        int max = 0;
        for (Buffer b : plan.withRole(Plan.Role.INPUT)) max = Math.max(max, b.length());
        return 2 * max;
    }

    /**
     * Points this executor at another recording of the same shape (same steps, sizes, weights): its
     * constants replace ours and are sent with the next run; weights and kernels stay as they are.
     */
    boolean rebind(Plan other) {
        for (String d : plan.checkSameShape(other)) {
            if (!d.startsWith("constant ")) throw new IllegalArgumentException("plan of another shape: " + d);
        }
        for (Buffer b : other.buffers()) {
            // a resident constant that changed cannot be re-sent: the caller builds a new plan
            if (b.role() == Plan.Role.CONSTANT && !everyRun(b)
                    && !java.util.Objects.deepEquals(b.host(), plan.buffer(b.id()).host())) return false;
        }
        for (Buffer b : other.buffers()) {
            if (b.role() == Plan.Role.CONSTANT && everyRun(b) && b.host() != null) copyIn(b.host(), device[b.id()]);
        }
        plan = other;
        return true;
    }

    @Override public long lastRunUploadBytes() { return lastUploadBytes; }

    @Override public double compileSeconds() { return compileSeconds; }

    /**
     * The tasks for one step: the op's components mapped onto its {@link TornadoKernels} twin(s) (scalars as
     * recorded, the size of the parallel range computed from them, absent arrays as flag 0). No default
     * branch: an op without a twin does not compile.
     */
    static List<TwinCall> tasks(String id, Op op, Args a) {
        return switch (op) {
            case Op.Linear o -> {
                FloatArray x = a.f(o.x()), w = a.f(o.w()), b = a.f(o.b()), y = a.f(o.y());
                int hasBias = a.flag(o.b());
                Runnable plain = () -> TornadoKernels.linear(x, o.in(), w, b, hasBias, o.out(), y, o.rows());
                if (!TILED) yield List.of(TwinCall.of(id, TornadoKernels::linear, x, o.in(), w, b, hasBias, o.out(), y, o.rows()));
                int t = TornadoKernels.LIN_TILE, rowsPerGroup = t * TornadoKernels.LIN_ROWS;
                WorkerGrid2D grid = new WorkerGrid2D(ceil(o.out(), t) * t, ceil(o.rows(), rowsPerGroup) * t);
                grid.setLocalWork(t, t, 1);
                yield List.of(TwinCall.grid(id, grid, TornadoKernels::linearTiled, a.ctx(), x, o.in(), w, b, hasBias,
                        o.out(), y, o.rows(), plain));
            }
            case Op.LayerNorm o -> {
                FloatArray x = a.f(o.x()), g = a.f(o.gamma()), b = a.f(o.beta()), y = a.f(o.y());
                int affine = a.flag(o.gamma());
                if (!GROUPED) yield List.of(TwinCall.of(id, TornadoKernels::layerNorm, x, o.dim(), g, b, affine, o.eps(), y, o.rows()));
                yield List.of(TwinCall.grid(id, rowGroups(o.rows()), TornadoKernels::layerNormGroup, a.ctx(), x, o.dim(), g, b,
                        affine, o.eps(), y, () -> TornadoKernels.layerNorm(x, o.dim(), g, b, affine, o.eps(), y, o.rows())));
            }
            case Op.RmsNorm o -> {
                FloatArray x = a.f(o.x()), g = a.f(o.gamma()), y = a.f(o.y());
                if (!GROUPED) yield List.of(TwinCall.of(id, TornadoKernels::rmsNorm, x, o.dim(), g, o.eps(), y, o.rows()));
                yield List.of(TwinCall.grid(id, rowGroups(o.rows()), TornadoKernels::rmsNormGroup, a.ctx(), x, o.dim(), g,
                        o.eps(), y, () -> TornadoKernels.rmsNorm(x, o.dim(), g, o.eps(), y, o.rows())));
            }
            case Op.Silu o -> List.of(TwinCall.of(id, TornadoKernels::silu, a.f(o.x()), a.f(o.y()), o.n()));
            case Op.Mish o -> List.of(TwinCall.of(id, TornadoKernels::mish, a.f(o.x()), a.f(o.y()), o.n()));
            case Op.GeluErf o -> List.of(TwinCall.of(id, TornadoKernels::geluErf, a.f(o.x()), a.f(o.y()), o.n()));
            case Op.GeluTanh o -> List.of(TwinCall.of(id, TornadoKernels::geluTanh, a.f(o.x()), a.f(o.y()), o.n()));
            case Op.Add o -> List.of(TwinCall.of(id, TornadoKernels::add, a.f(o.a()), a.f(o.b()), a.f(o.y()), o.n()));
            case Op.Mul o -> List.of(TwinCall.of(id, TornadoKernels::mul, a.f(o.a()), a.f(o.b()), a.f(o.y()), o.n()));
            case Op.Conv1d o -> {
                FloatArray x = a.f(o.x()), w = a.f(o.w()), b = a.f(o.b()), y = a.f(o.y());
                int hasBias = a.flag(o.b()), coutG = o.cout() / o.groups(), positions = o.batch() * o.len();
                // depthwise convolutions (one channel per group) would leave a channel tile nearly idle
                if (!GROUPED || coutG < CONV_MIN_GROUP || o.cin() / o.groups() < CONV_MIN_GROUP) {
                    yield List.of(TwinCall.of(id, TornadoKernels::conv1d, x, o.len(), o.cin(), w, b, hasBias, o.cout(),
                            o.k(), o.groups(), o.pad(), y, positions));
                }
                int t = TornadoKernels.CONV_TILE, perGroup = t * TornadoKernels.CONV_ROWS;
                WorkerGrid2D grid = new WorkerGrid2D(o.groups() * ceil(coutG, t) * t, o.batch() * ceil(o.len(), perGroup) * t);
                grid.setLocalWork(t, t, 1);
                yield List.of(TwinCall.grid(id, grid, TornadoKernels::conv1dTiled, a.ctx(), x, o.len(), o.cin(), w, b,
                        hasBias, o.cout(), o.k(), o.groups(), o.pad(), y, () -> TornadoKernels.conv1d(x, o.len(), o.cin(),
                                w, b, hasBias, o.cout(), o.k(), o.groups(), o.pad(), y, positions)));
            }
            case Op.Attention o -> {
                FloatArray q = a.f(o.q()), k = a.f(o.k()), v = a.f(o.v()), m = a.f(o.keyMask()), out = a.f(o.out());
                int hasMask = a.flag(o.keyMask()), rows = o.batch() * o.heads() * o.len();
                if (!GROUPED || o.dh() > TornadoKernels.ATT_DH) yield List.of(TwinCall.of(id, TornadoKernels::attention,
                        q, k, v, o.len(), o.heads(), o.dh(), m, hasMask, out, rows));
                WorkerGrid2D grid = new WorkerGrid2D(ceil(o.len(), TornadoKernels.ATT_Q) * TornadoKernels.ATT_Q,
                        o.batch() * o.heads());
                grid.setLocalWork(TornadoKernels.ATT_Q, 1, 1);
                yield List.of(TwinCall.grid(id, grid, TornadoKernels::attentionFlash, a.ctx(), q, k, v, o.len(), o.heads(),
                        o.dh(), m, hasMask, out,
                        () -> TornadoKernels.attention(q, k, v, o.len(), o.heads(), o.dh(), m, hasMask, out, rows)));
            }
            case Op.ScaleLast o -> List.of(TwinCall.of(id, TornadoKernels::scaleLast, a.f(o.x()), o.dim(), a.f(o.g()),
                    a.f(o.y()), o.rows()));
            case Op.PolarSpectrum o -> List.of(TwinCall.of(id, TornadoKernels::polarSpectrum, a.f(o.x()), o.bins(),
                    o.maxMag(), a.f(o.re()), a.f(o.im()), o.rows()));
            case Op.GatherRows o -> List.of(TwinCall.of(id, TornadoKernels::gatherRows, a.f(o.table()), o.dim(),
                    a.ints(o.ids()), a.f(o.y()), o.rows()));
            case Op.ZeroRows o -> List.of(TwinCall.of(id, TornadoKernels::zeroRows, a.f(o.x()), o.dim(), a.f(o.keep()),
                    o.rows()));
            case Op.ConcatLast o -> List.of(TwinCall.of(id, TornadoKernels::concatLast, a.f(o.a()), o.da(), a.f(o.b()),
                    o.db(), o.bZero() ? 1 : 0, a.f(o.c()), o.dc(), a.f(o.y()), o.rows()));
            case Op.Modulate o -> List.of(TwinCall.of(id, TornadoKernels::modulate, a.f(o.x()), o.len(), o.dim(),
                    a.f(o.emb()), o.embWidth(), o.scaleOff(), o.shiftOff(), a.f(o.y()), o.batch() * o.len()));
            case Op.GatedAdd o -> List.of(TwinCall.of(id, TornadoKernels::gatedAdd, a.f(o.x()), a.f(o.y()), o.len(),
                    o.dim(), a.f(o.emb()), o.embWidth(), o.gateOff(), o.batch() * o.len()));
            // the norms over time one work-item per (batch, channel), their mean, then the elementwise part
            case Op.Grn o -> {
                FloatArray x = a.f(o.x()), nx = a.f(o.nx());
                TwinCall apply = TwinCall.of(id + "b", TornadoKernels::grnApply, x, o.len(), o.dim(), nx,
                        a.f(o.gamma()), a.f(o.beta()), a.f(o.y()), o.batch() * o.len());
                if (!GROUPED) yield List.of(TwinCall.of(id + "a", TornadoKernels::grnScale, x, o.len(), o.dim(), nx, o.batch()),
                        apply);
                yield List.of(TwinCall.of(id + "a", TornadoKernels::grnSumSquares, x, o.len(), o.dim(), nx, o.batch()),
                        TwinCall.of(id + "n", TornadoKernels::grnNormalize, nx, o.dim(), o.batch()), apply);
            }
            case Op.AngleTable o -> List.of(TwinCall.of(id, TornadoKernels::angleTable, a.f(o.invFreq()), o.halfLen(),
                    a.f(o.cos()), a.f(o.sin()), o.len()));
            case Op.AddCosSin o -> List.of(TwinCall.of(id, TornadoKernels::addCosSin, a.f(o.x()), o.len(), o.halfLen(),
                    a.f(o.cos()), a.f(o.sin()), a.ints(o.validLen()), o.batch() * o.len()));
            case Op.Rotary o -> List.of(TwinCall.of(id, TornadoKernels::rotary, a.f(o.x()), o.len(), o.heads(), o.dh(),
                    o.ropeHeads(), a.f(o.cos()), a.f(o.sin()), o.batch() * o.len()));
            case Op.TimestepSinusoid o -> List.of(TwinCall.of(id, TornadoKernels::timestepSinusoid, a.f(o.time()),
                    o.scale(), a.f(o.freqs()), o.halfLen(), a.f(o.y()), o.batch()));
            case Op.AddScaled o -> List.of(TwinCall.of(id, TornadoKernels::addScaled, a.f(o.a()), a.f(o.b()), o.s(),
                    a.f(o.y()), o.n()));
            case Op.CfgCombine o -> List.of(TwinCall.of(id, TornadoKernels::cfgCombine, a.f(o.packed()), o.halfLen(),
                    o.cfg(), a.f(o.y())));
        };
    }

    /** Linears as the tiled KernelContext kernel (default) or the plain @Parallel twin (-Df5j.tornado.tiled=false). */
    static final boolean TILED = !"false".equals(System.getProperty("f5j.tornado.tiled"));

    private static int ceil(int n, int d) { return (n + d - 1) / d; }

    /**
     * Attention, the norms, GRN and the grouped convolutions as their work-group kernels (default) or the
     * plain @Parallel twins (-Df5j.tornado.grouped=false, to compare).
     */
    static final boolean GROUPED = !"false".equals(System.getProperty("f5j.tornado.grouped"));

    /** Fewest in and out channels per group for which a convolution runs {@link TornadoKernels#conv1dTiled}. */
    static final int CONV_MIN_GROUP = 4;

    /** One work-group of {@link TornadoKernels#NORM_WG} work-items per row. */
    private static WorkerGrid2D rowGroups(int rows) {
        WorkerGrid2D grid = new WorkerGrid2D(TornadoKernels.NORM_WG, rows);
        grid.setLocalWork(TornadoKernels.NORM_WG, 1, 1);
        return grid;
    }

    /** A step's arrays (plan handles) as device arrays; an absent one is a 1-element dummy with flag 0. */
    record Args(Plan plan, TornadoNativeArray[] device, FloatArray none, KernelContext ctx) {
        Args(Plan plan, TornadoNativeArray[] device, FloatArray none) { this(plan, device, none, new KernelContext()); }

        FloatArray f(float[] handle) { return handle == null ? none : (FloatArray) device[plan.buffer(handle).id()]; }

        IntArray ints(int[] handle) { return (IntArray) device[plan.buffer(handle).id()]; }

        int flag(Object handle) { return handle == null ? 0 : 1; }
    }

    @Override
    public Map<String, float[]> run(Map<String, ?> inputs) {
        upload(plan, device, inputs);
        long t0 = System.nanoTime();
        if (graphCount == 1) {
            execution.execute();
        } else {
            // Graph by graph: TornadoVM links a graph's consumed buffers to the graph that ran before it,
            // which a whole-plan execute() only records after the last graph (tools/tornadovm/README.md).
            for (int i = 0; i < graphCount; i++) execution.withGraph(i).execute();
            execution.withAllGraphs();
        }
        if (!ranOnce) compileSeconds = (System.nanoTime() - t0) / 1e9;
        lastUploadBytes = everyBytes + (ranOnce ? 0 : onceBytes);
        ranOnce = true;
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
        Args args = new Args(plan, device, none);
        for (int s = 0; s < plan.steps().size(); s++) {
            for (TwinCall t : tasks("s" + s, plan.steps().get(s), args)) t.runOnHost();
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

package f5j.compute.tornado;

import f5j.compute.Op;
import f5j.compute.Precision;
import f5j.compute.plan.HostPlanExecutor;
import f5j.compute.plan.Plan;
import f5j.compute.plan.Plan.Buffer;
import f5j.compute.plan.PlanExecutor;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.TornadoExecutionResult;
import uk.ac.manchester.tornado.api.WorkerGrid2D;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.ProfilerMode;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 *
 * <p>With 16-bit device weights ({@link Precision#FP16}/{@link Precision#BF16}) every float buffer that
 * only Linear steps read, as their weight, lives on the device as packed 16-bit codes ({@link HalfWeights},
 * converted on the host as it is uploaded) and its Linears run {@link TornadoKernels#linearTiled16}; each
 * task graph with such Linears holds its own copy of the decode table (device[] keeps one, after the plan's
 * buffers).
 */
final class TornadoPlanExecutor implements PlanExecutor {
    private static final AtomicInteger PLANS = new AtomicInteger();

    private Plan plan; // swapped by rebind for a recording of the same shape
    private final TornadoNativeArray[] device; // FloatArray or IntArray per plan buffer, then the decode table
    private final Precision weights;
    private final TornadoExecutionPlan execution;
    private final long onceBytes, everyBytes;
    private final int graphCount;
    private double compileSeconds;
    private boolean ranOnce;
    private long lastUploadBytes;

    TornadoPlanExecutor(Plan plan, int tasksPerGraph, Precision weights) {
        this.plan = plan.requireValid();
        this.weights = weights;
        smallConstant = smallConstant(plan);
        int nb = plan.buffers().size(), ns = plan.steps().size();
        device = allocate(plan, weights);
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
        int chunks = Math.max(1, (ns + tasksPerGraph - 1) / tasksPerGraph);
        boolean tableSent = false;
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
            // Each graph with 16-bit linears gets its own copy of the decode table, uploaded once: handed
            // from graph to graph (consumeFromDevice), this read-only array made TornadoVM 5.2.0 free its
            // device buffer twice when the plan was freed (tools/tornadovm/README.md).
            Args args = new Args(plan, device, none);
            if (uses16(plan, device, start, end)) {
                TornadoNativeArray[] withTable = device.clone();
                if (tableSent) withTable[nb] = copyOf((FloatArray) device[nb]);
                tableSent = true;
                once.add(withTable[nb]);
                args = new Args(plan, withTable, none);
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
        long[] bytes = uploadBytes(plan, weights, tasksPerGraph);
        onceBytes = bytes[0] - bytes[1];
        everyBytes = bytes[1];
        // No withPreCompilation(): TornadoVM 5.2.0 then refuses to run any pre-compiled plan once another plan
        // on the device has been freed (a device-wide "reset() was called after warmup()" flag).
        TornadoExecutionPlan ex = new TornadoExecutionPlan(graphs.toArray(new ImmutableTaskGraph[0]));
        execution = anyGrid ? ex.withGridScheduler(grids) : ex;
        graphCount = graphs.size();
    }

    private final int smallConstant;

    /** Sent before every execution: the per-run inputs, buffers reset each run, and the small constants. */
    private boolean everyRun(Buffer b) { return everyRun(b, smallConstant); }

    private static boolean everyRun(Buffer b, int smallConstant) {
        return b.uploadedEveryRun() || (b.role() == Plan.Role.CONSTANT && b.length() <= smallConstant);
    }

    /** Whether steps [start, end) hold a Linear over 16-bit weights. */
    private static boolean uses16(Plan plan, TornadoNativeArray[] device, int start, int end) {
        for (int s = start; s < end; s++) if (plan.steps().get(s) instanceof Op.Linear l && is16(plan, device, l.w())) return true;
        return false;
    }

    private static FloatArray copyOf(FloatArray a) {
        FloatArray c = new FloatArray(a.getSize());
        MemorySegment.copy(a.getSegment(), 0, c.getSegment(), 0, 4L * a.getSize());
        return c;
    }

    /**
     * Bytes the plan sends to the device {first run, every later run}, counted as the device stores them
     * (16-bit weights in half the bytes, plus a decode table per task graph that has 16-bit linears);
     * buffers no kernel reads are never sent.
     */
    static long[] uploadBytes(Plan plan, Precision weights, int tasksPerGraph) {
        boolean[] reached = new boolean[plan.buffers().size()], sixteen = sixteenBit(plan, weights);
        for (Op step : plan.steps()) for (int id : plan.bufferIds(step)) if (id >= 0) reached[id] = true;
        int small = smallConstant(plan);
        long once = 0, every = 0;
        for (Buffer b : plan.buffers()) {
            if (!reached[b.id()]) continue;
            long bytes = 4L * (sixteen[b.id()] ? HalfWeights.packedLength(b.length()) : b.length());
            if (everyRun(b, small)) every += bytes;
            else if (b.role() == Plan.Role.WEIGHT || b.role() == Plan.Role.CONSTANT || b.resetEachRun()) once += bytes;
        }
        int ns = plan.steps().size();
        for (int start = 0; start < ns; start += tasksPerGraph) {
            for (int s = start; s < Math.min(ns, start + tasksPerGraph); s++) {
                if (plan.steps().get(s) instanceof Op.Linear l && sixteen[plan.buffer(l.w()).id()]) {
                    once += 4L * HalfWeights.CODES;
                    break;
                }
            }
        }
        return new long[] {once + every, every};
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
            Object mine = plan.buffer(b.id()).host();
            if (b.role() == Plan.Role.CONSTANT && !everyRun(b) && b.host() != mine
                    && !java.util.Objects.deepEquals(b.host(), mine)) return false;
        }
        for (Buffer b : other.buffers()) {
            if (b.role() == Plan.Role.CONSTANT && everyRun(b) && b.host() != null) copyIn(b, b.host(), device, weights);
        }
        plan = other;
        return true;
    }

    @Override public long lastRunUploadBytes() { return lastUploadBytes; }

    private boolean profile;
    private List<StepTime> stepTimes = List.of();

    /** Turns TornadoVM's profiler on for the next runs: each task's kernel time from the device's events. */
    @Override
    public boolean profileSteps(boolean on) {
        if (on != profile) {
            if (on) execution.withProfiler(ProfilerMode.SILENT);
            else execution.withoutProfiler();
        }
        profile = on;
        stepTimes = List.of();
        return true;
    }

    @Override public List<StepTime> lastRunSteps() { return stepTimes; }

    /** A task's entry in TornadoVM's profiler JSON ("graph.sN": {..., "TASK_KERNEL_TIME": "ns", ...}): key, step, ns. */
    private static final Pattern TASK_TIME = Pattern.compile("\"([^\"]*\\.s(\\d+)[a-z]?)\": \\{[^{}]*\"TASK_KERNEL_TIME\": \"(\\d+)\"");

    /** Kernel nanoseconds per plan step (a step of several tasks sums them); the last entry of a task counts. */
    static Map<Integer, Long> kernelNanos(CharSequence log) {
        Map<String, long[]> perTask = new LinkedHashMap<>();
        Matcher m = TASK_TIME.matcher(log);
        while (m.find()) perTask.put(m.group(1), new long[] {Integer.parseInt(m.group(2)), Long.parseLong(m.group(3))});
        Map<Integer, Long> steps = new LinkedHashMap<>();
        for (long[] v : perTask.values()) steps.merge((int) v[0], v[1], Long::sum);
        return steps;
    }

    private static List<StepTime> stepTimes(Plan plan, Map<Integer, Long> nanos) {
        List<StepTime> out = new ArrayList<>();
        for (int i = 0; i < plan.steps().size(); i++) {
            Long ns = nanos.get(i);
            if (ns != null) out.add(new StepTime(plan.steps().get(i), ns / 1e9));
        }
        return out;
    }

    @Override public double compileSeconds() { return compileSeconds; }

    /**
     * The tasks for one step: the op's components mapped onto its {@link TornadoKernels} twin(s) (scalars as
     * recorded, the size of the parallel range computed from them, absent arrays as flag 0). No default
     * branch: an op without a twin does not compile.
     */
    static List<TwinCall> tasks(String id, Op op, Args a) {
        return switch (op) {
            case Op.Linear o when is16(a.plan(), a.device(), o.w()) -> {
                FloatArray x = a.f(o.x()), b = a.f(o.b()), y = a.f(o.y()), decode = a.decodeTable();
                IntArray w = a.packed(o.w());
                int hasBias = a.flag(o.b());
                Runnable plain = () -> TornadoKernels.linear16(x, o.in(), w, decode, b, hasBias, o.out(), y, o.rows());
                if (!tiled(o)) yield List.of(TwinCall.of(id, TornadoKernels::linear16, x, o.in(), w, decode, b, hasBias, o.out(), y, o.rows()));
                yield List.of(TwinCall.grid(id, linearGrid(o), TornadoKernels::linearTiled16, a.ctx(), x, o.in(), w, decode,
                        b, hasBias, o.out(), y, o.rows(), plain));
            }
            case Op.Linear o -> {
                FloatArray x = a.f(o.x()), w = a.f(o.w()), b = a.f(o.b()), y = a.f(o.y());
                int hasBias = a.flag(o.b());
                Runnable plain = () -> TornadoKernels.linear(x, o.in(), w, b, hasBias, o.out(), y, o.rows());
                if (!tiled(o)) yield List.of(TwinCall.of(id, TornadoKernels::linear, x, o.in(), w, b, hasBias, o.out(), y, o.rows()));
                yield List.of(TwinCall.grid(id, linearGrid(o), TornadoKernels::linearTiled, a.ctx(), x, o.in(), w, b, hasBias,
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
     * Whether a linear runs as the tiled kernel: not for a few rows (the time embedding's and AdaLN's, 1–2 per
     * forward), where a work-group's 64-row tile would be nearly all padding (measured on PoCL: 0.1 GFLOP/s
     * for 2 x 768->4608 tiled); the plain twin computes one output per work-item there.
     */
    private static boolean tiled(Op.Linear o) {
        return TILED && o.rows() >= TornadoKernels.LIN_TILE;
    }

    /** The grid of linearTiled / linearTiled16: 16 x 16 work-items per 64-row x 16-column block of y. */
    private static WorkerGrid2D linearGrid(Op.Linear o) {
        int t = TornadoKernels.LIN_TILE, rowsPerGroup = t * TornadoKernels.LIN_ROWS;
        WorkerGrid2D grid = new WorkerGrid2D(ceil(o.out(), t) * t, ceil(o.rows(), rowsPerGroup) * t);
        grid.setLocalWork(t, t, 1);
        return grid;
    }

    /** Whether this float buffer is held as 16-bit codes (an IntArray on the device). */
    private static boolean is16(Plan plan, TornadoNativeArray[] device, float[] handle) {
        return handle != null && device[plan.buffer(handle).id()] instanceof IntArray;
    }

    /**
     * The float buffers stored as 16-bit codes for {@code weights}: host data (a weight, a constant, or a
     * single call's input) that every step touching it reads as a Linear's weight.
     */
    static boolean[] sixteenBit(Plan plan, Precision weights) {
        int nb = plan.buffers().size();
        boolean[] sixteen = new boolean[nb];
        if (weights == Precision.FP32) return sixteen;
        int[] uses = new int[nb], asWeight = new int[nb];
        for (Op step : plan.steps()) {
            for (int id : plan.bufferIds(step)) if (id >= 0) uses[id]++;
            if (step instanceof Op.Linear l) asWeight[plan.buffer(l.w()).id()]++;
        }
        for (Buffer b : plan.buffers()) {
            Plan.Role r = b.role();
            boolean hostData = r == Plan.Role.WEIGHT || r == Plan.Role.CONSTANT || r == Plan.Role.INPUT;
            int id = b.id();
            sixteen[id] = asWeight[id] > 0 && asWeight[id] == uses[id] && hostData && !b.isInt() && !b.resetEachRun();
        }
        return sixteen;
    }

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

        /** A float buffer the device holds as 16-bit codes. */
        IntArray packed(float[] handle) { return (IntArray) device[plan.buffer(handle).id()]; }

        /** The decode table of 16-bit weights, after the plan's buffers. */
        FloatArray decodeTable() { return (FloatArray) device[plan.buffers().size()]; }

        FloatArray f(float[] handle) { return handle == null ? none : (FloatArray) device[plan.buffer(handle).id()]; }

        IntArray ints(int[] handle) { return (IntArray) device[plan.buffer(handle).id()]; }

        int flag(Object handle) { return handle == null ? 0 : 1; }
    }

    @Override
    public Map<String, float[]> run(Map<String, ?> inputs) {
        upload(plan, device, inputs, weights);
        long t0 = System.nanoTime();
        StringBuilder log = profile ? new StringBuilder() : null;
        if (profile) execution.clearProfiles();
        if (graphCount == 1) {
            TornadoExecutionResult r = execution.execute();
            if (log != null) log.append(r.getProfilerResult().getProfileLog());
        } else {
            // Graph by graph: TornadoVM links a graph's consumed buffers to the graph that ran before it,
            // which a whole-plan execute() only records after the last graph (tools/tornadovm/README.md).
            for (int i = 0; i < graphCount; i++) {
                TornadoExecutionResult r = execution.withGraph(i).execute();
                if (log != null) log.append(r.getProfilerResult().getProfileLog());
            }
            execution.withAllGraphs();
        }
        if (log != null) stepTimes = stepTimes(plan, kernelNanos(log));
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
        return runTasksOnHost(plan, inputs, Precision.FP32);
    }

    /** {@link #runTasksOnHost(Plan, Map)} with the linear weights stored as {@code weights}. */
    static Map<String, float[]> runTasksOnHost(Plan plan, Map<String, ?> inputs, Precision weights) {
        TornadoNativeArray[] device = allocate(plan.requireValid(), weights);
        FloatArray none = dummy();
        upload(plan, device, inputs, weights);
        Args args = new Args(plan, device, none);
        for (int s = 0; s < plan.steps().size(); s++) {
            for (TwinCall t : tasks("s" + s, plan.steps().get(s), args)) t.runOnHost();
        }
        return download(plan, device);
    }

    private static TornadoNativeArray[] allocate(Plan plan, Precision weights) {
        int nb = plan.buffers().size();
        TornadoNativeArray[] device = new TornadoNativeArray[nb + 1];
        boolean[] sixteen = sixteenBit(plan, weights);
        for (Buffer b : plan.buffers()) {
            if (b.isInt() || sixteen[b.id()]) {
                IntArray d = new IntArray(sixteen[b.id()] ? HalfWeights.packedLength(b.length()) : b.length());
                d.init(0); // off-heap arrays start with garbage
                device[b.id()] = d;
            } else {
                FloatArray d = new FloatArray(b.length());
                d.init(0f);
                device[b.id()] = d;
            }
            if (b.host() != null) copyIn(b, b.host(), device, weights);
        }
        boolean any = false;
        for (boolean s : sixteen) any |= s;
        if (any) {
            FloatArray d = new FloatArray(HalfWeights.CODES);
            copyIn(HalfWeights.decodeTable(weights), d);
            device[nb] = d;
        }
        return device;
    }

    /** Stands in for an absent (null) array argument; its flag argument tells the kernel not to read it. */
    private static FloatArray dummy() {
        FloatArray none = new FloatArray(1);
        none.init(0f);
        return none;
    }

    private static void upload(Plan plan, TornadoNativeArray[] device, Map<String, ?> inputs, Precision weights) {
        for (Buffer b : plan.buffers()) {
            if (b.fromRunInputs()) copyIn(b, HostPlanExecutor.checkedInput(b, inputs), device, weights);
            else if (b.resetEachRun()) copyIn(b, b.host(), device, weights);
        }
    }

    /** A buffer's contents into its device array: packed to 16 bits where the device holds it so. */
    private static void copyIn(Buffer b, Object src, TornadoNativeArray[] device, Precision weights) {
        TornadoNativeArray d = device[b.id()];
        copyIn(!b.isInt() && d instanceof IntArray ? HalfWeights.pack(weights, (float[]) src) : src, d);
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

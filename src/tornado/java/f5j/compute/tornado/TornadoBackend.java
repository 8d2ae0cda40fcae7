package f5j.compute.tornado;

import f5j.compute.Backend;
import f5j.compute.Op;
import f5j.compute.Ops;
import f5j.compute.Precision;
import f5j.compute.plan.Plan;
import f5j.compute.plan.PlanCache;
import f5j.compute.plan.PlanCapture;
import f5j.compute.plan.PlanCompiler;
import f5j.compute.plan.PlanExecutor;
import f5j.compute.plan.PlanRecorder;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;

import java.lang.reflect.Array;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TornadoVM backend ({@code --backend tornado}, built with {@code -Ptornadovm}).
 *
 * <p>Whole plans are the fast path. The sampler captures its first flow evaluation ({@link PlanCapture}:
 * recorded while it runs on the host's SIMD kernels) and {@link #compile}s it; every later ODE step runs
 * the device plan, which sends only x, the time and the small constants and reads back the flow. Device
 * plans are kept per plan shape (model weights, frame count): a later chunk or synthesis of the same model
 * and length reuses the compiled kernels and the resident weights ({@link TornadoPlanExecutor#rebind}).
 *
 * <p>Single ops, which the layers issue when they are not driven through a plan (Vocos, golden layer
 * checks), are offloaded as one-task plans cached per op shape; their arrays travel both ways on every
 * call, so that path is for correctness, not speed. Either way each op becomes its {@link TornadoKernels}
 * twin(s) in {@link TornadoPlanExecutor#tasks}.
 */
public final class TornadoBackend implements Backend, PlanCompiler, PlanCapture {
    /**
     * Plan steps per TornadoVM task graph: TornadoVM 5.2.0 bounds a graph's tasks, nodes and records
     * (tools/tornadovm/README.md), so a forward becomes a chain of graphs run one after the other.
     */
    static final int TASKS_PER_GRAPH = Integer.getInteger("f5j.tornado.tasksPerGraph", 40);
    /** Device plans kept (each holds its own copy of the weights on the device). */
    static final int CACHED_PLANS = Integer.getInteger("f5j.tornado.cachedPlans", 2);

    private final Map<String, PlanExecutor> singleCalls = new ConcurrentHashMap<>();
    private final PlanCache<TornadoPlanExecutor> plans = new PlanCache<>(CACHED_PLANS, new PlanCache.Compiler<>() {
        @Override public TornadoPlanExecutor compile(Plan plan) { return new TornadoPlanExecutor(plan, TASKS_PER_GRAPH, weights); }

        @Override public boolean rebind(TornadoPlanExecutor exec, Plan plan) { return exec.rebind(plan); }
    });
    private final String device;
    /** How linear weights are stored on the device ({@code --device-weights}); fp32 accumulation either way. */
    private final Precision weights;
    /** Per thread, so a model being captured on one thread does not swallow another thread's ops. */
    private final ThreadLocal<PlanRecorder> recorder = new ThreadLocal<>();

    private TornadoBackend(Precision weights) {
        this.weights = weights;
        // Larger graphs (-Df5j.tornado.tasksPerGraph) overflow TornadoVM's default 4 KiB of bytecode per graph;
        // it is read once, when the first graph is compiled, so setting it here is early enough.
        if (System.getProperty("tornado.tvm.maxbytecodesize") == null) {
            System.setProperty("tornado.tvm.maxbytecodesize", Integer.toString(16 << 20));
        }
        // Touching the execution plan class starts the TornadoVM runtime and picks the default device; it
        // fails here, with TornadoVM's own message, when the JVM was not started with TornadoVM's flags.
        device = TornadoExecutionPlan.DEFAULT_DEVICE.getDeviceName() + " ("
                + TornadoExecutionPlan.DEFAULT_DEVICE.getDescription() + ")";
    }

    /** Called by f5j.cli.Backends through reflection, so the default build never links TornadoVM. */
    public static Backend create() { return create(Precision.FP32); }

    /** With linear weights stored on the device as {@code weights} (fp16/bf16: 16-bit codes, decoded in the kernel). */
    public static Backend create(Precision weights) { return new TornadoBackend(weights); }

    @Override public String name() { return "tornado"; }

    @Override public String toString() {
        return "tornado[" + device + (weights == Precision.FP32 ? "" : ", " + weights.label() + " weights") + "]";
    }

    @Override
    public PlanRecorder beginCapture() {
        if (recorder.get() != null) throw new IllegalStateException("already capturing");
        PlanRecorder r = new PlanRecorder(Backend.cpu());
        recorder.set(r);
        return r;
    }

    @Override
    public Plan endCapture(Map<String, float[]> outputs) {
        PlanRecorder r = recorder.get();
        recorder.remove();
        return r.finish(outputs);
    }

    /**
     * The device plan for this recording: a cached one of the same shape and weights, rebound to its
     * inputs and constants, or a new one (compiled on its first run).
     */
    @Override
    public PlanExecutor compile(Plan plan) { return plans.get(plan); }

    /** Padded to {@link PlanCompiler#FRAME_BUCKET}: each new frame count would otherwise compile every kernel again. */
    @Override
    public int planFrames(int frames) { return PlanCompiler.bucketed(frames, FRAME_BUCKET); }

    @Override
    public String planSummary() {
        return String.format(java.util.Locale.ROOT, "device plans: %d compiled (first runs %.1f s: compilation, weight "
                + "upload, one step), %d reused (frames padded to multiples of %d)", plans.compiled(), plans.compileSeconds(),
                plans.reused(), FRAME_BUCKET);
    }

    /** One op: a cached one-task plan for this shape; arrays in, the arrays it writes copied back. */
    @Override
    public void execute(Op op) {
        PlanRecorder capturing = recorder.get();
        if (capturing != null) {
            capturing.backend().execute(op);
            return;
        }
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
        PlanExecutor exec = singleCalls.computeIfAbsent(key.toString(), k -> new TornadoPlanExecutor(Plan.ofCall(op), 1, weights));
        Map<String, float[]> out = exec.run(inputs);
        for (int i = 0; i < v.length; i++) {
            if (acc[i] != null && acc[i] != Ops.Access.READ && v[i] != null) {
                float[] r = out.get(names[i]);
                System.arraycopy(r, 0, (float[]) v[i], 0, r.length);
            }
        }
    }
}

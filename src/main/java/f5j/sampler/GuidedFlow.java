package f5j.sampler;

import f5j.compute.Backend;
import f5j.compute.plan.Plan;
import f5j.compute.plan.PlanCapture;
import f5j.compute.plan.PlanCompiler;
import f5j.compute.plan.PlanExecutor;
import f5j.compute.plan.PlanRecorder;
import f5j.dit.DiT;
import f5j.tensor.Tensor;
import f5j.trace.Trace;

import java.util.HashMap;
import java.util.Map;

/**
 * The ODE right-hand side of one sample: the DiT's flow prediction for x at a time, with classifier-free
 * guidance (upstream {@code CFM.sample}'s {@code fn}). Traces only its first evaluation.
 *
 * <p>On a backend that runs plans (TornadoVM, cpu-plan) the first evaluation is captured as a plan and
 * every later one runs it. The per-sample work is done once on the host before the capture
 * ({@link DiT#prepare}: text embeddings, rotary table), so the plan holds only the per-step forward and
 * takes the sample's tables as inputs: x, the time, the condition mel and the text embeddings. The plan is
 * built at the backend's {@link PlanCompiler#planFrames} (masked padding frames past the sample's
 * length), so one compiled plan serves every sample of nearby length; the padding does not change the
 * valid frames. A traced (first) evaluation runs on the host at the sample's own length, so the
 * recorded module outputs have the sample's shape; the plan is captured by the next one.
 */
public final class GuidedFlow implements AutoCloseable {
    private final DiT dit;
    private final Backend be;
    private final Tensor cond;
    private final long[][] text;
    private final boolean noCfg;
    private final float cfg;
    private final int frames;
    private Trace trace;

    private PlanExecutor planned;
    private final Map<String, Object> planInputs = new HashMap<>();
    private int planFrames;

    /**
     * cond: {@code 1 x frames x melDim}, the reference mel zero-padded to the duration; cfgStrength below
     * 1e-5 runs the conditional forward alone.
     */
    public GuidedFlow(DiT dit, Tensor cond, long[][] text, double cfgStrength, Trace trace) {
        this.dit = dit;
        this.be = dit.backend();
        this.cond = cond;
        this.text = text;
        this.noCfg = cfgStrength < 1e-5;
        this.cfg = (float) cfgStrength;
        this.frames = cond.dim(1);
        this.trace = trace == null ? Trace.OFF : trace;
    }

    /** The flow at x ({@code frames x melDim}, row-major); the array may be reused by the next call. */
    public float[] eval(float time, float[] x) {
        float[] t = {time};
        if (planned != null) {
            planInputs.put("x", pad(x, (float[]) planInputs.get("x")));
            planInputs.put("time", t);
            return crop(planned.run(planInputs).get("flow"));
        }
        if (be instanceof PlanCapture capture && be instanceof PlanCompiler compiler) {
            return trace == Trace.OFF ? capture(capture, compiler, t, x) : onHost(capture, t, x);
        }
        return direct(t, x, cond, frames, null);
    }

    /**
     * A traced evaluation on a plan backend: recorded on its host kernels at the sample's own length, so
     * the module outputs have the sample's shape; the recording is dropped and the next evaluation
     * captures the (padded) plan every later one runs.
     */
    private float[] onHost(PlanCapture capture, float[] t, float[] x) {
        capture.beginCapture();
        try {
            return direct(t, x, cond, frames, null);
        } finally {
            capture.endCapture(Map.of());
        }
    }

    /** The compiled plan (null before the first evaluation or on a backend without plans). */
    public PlanExecutor plan() { return planned; }

    /** Frames the plan was built at (the sample's own, or the backend's padded length). */
    public int planFrames() { return planFrames; }

    private float[] capture(PlanCapture capture, PlanCompiler compiler, float[] t, float[] x) {
        int mel = dit.melDim();
        int n = compiler.planFrames(frames);
        if (n < frames) throw new IllegalStateException("planFrames(" + frames + ") = " + n);
        planFrames = n;
        boolean[][] mask = n > frames ? new boolean[1][n] : null;
        if (mask != null) java.util.Arrays.fill(mask[0], 0, frames, true);
        Tensor condN = n == frames ? cond : new Tensor(pad(cond.data, new float[n * mel]), 1, n, mel);
        float[] xN = n == frames ? x : pad(x, new float[n * mel]);
        PlanRecorder rec = capture.beginCapture();
        float[] f = null;
        try {
            float[][] te = rec.unrecorded(() -> dit.prepare(text, n, mask, Trace.OFF));
            rec.input("x", xN).input("time", t).input("cond", condN.data).input("text", te[0]);
            if (!noCfg) rec.input("text_dropped", te[1]);
            rec.parameters(dit.parameters());
            planInputs.put("cond", condN.data);
            planInputs.put("text", te[0]);
            if (!noCfg) planInputs.put("text_dropped", te[1]);
            f = direct(t, xN, condN, n, mask);
        } finally {
            Plan plan = capture.endCapture(f == null ? Map.of() : Map.of("flow", f));
            if (f != null) planned = compiler.compile(plan);
        }
        planInputs.put("x", xN);
        return crop(f);
    }

    private float[] direct(float[] time, float[] x, Tensor c, int n, boolean[][] mask) {
        Tensor xt = new Tensor(x, 1, n, dit.melDim());
        Trace tr = trace;
        trace = Trace.OFF;
        if (noCfg) return dit.forward(xt, c, text, time, mask, false, false, false, true, tr).data;
        float[] packed = dit.forward(xt, c, text, time, mask, false, false, true, true, tr).data;
        float[] out = new float[x.length];
        be.cfgCombine(packed, x.length, cfg, out);
        return out;
    }

    /** x into the front of dst (the padding frames stay zero); x itself when no padding. */
    private float[] pad(float[] x, float[] dst) {
        if (dst == null || dst.length == x.length) return x;
        System.arraycopy(x, 0, dst, 0, x.length);
        return dst;
    }

    private float[] crop(float[] f) {
        int len = frames * dit.melDim();
        return f.length == len ? f : java.util.Arrays.copyOf(f, len);
    }

    @Override
    public void close() {
        if (planned != null) planned.close();
        dit.clearCache();
    }
}

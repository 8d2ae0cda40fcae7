package f5j.compute.plan;

import f5j.compute.Backend;
import f5j.compute.Op;

import java.util.Map;

/**
 * A host backend that runs models the way a device backend does: captured into plans and replayed through
 * {@link HostPlanExecutor} ({@code --backend cpu-plan}). It exists so the plan path (capture, roles,
 * replay across ODE steps) is tested against the goldens where there is no device.
 */
public final class PlanBackend implements Backend, PlanCompiler, PlanCapture {
    private final Backend host;
    private final int frameBucket;
    private PlanRecorder recorder;

    private PlanBackend(Backend host, int frameBucket) {
        this.host = host;
        this.frameBucket = frameBucket;
    }

    /** Plans padded to frame buckets as on a device ({@link PlanCompiler#FRAME_BUCKET}). */
    public static Backend over(Backend host) { return new PlanBackend(host, FRAME_BUCKET); }

    /** Plans padded to multiples of frameBucket frames (1: built at each sample's own length). */
    public static Backend over(Backend host, int frameBucket) { return new PlanBackend(host, Math.max(1, frameBucket)); }

    @Override public String name() { return host.name() + "-plan"; }

    @Override public String toString() { return name(); }

    @Override
    public void execute(Op op) {
        (recorder != null ? recorder.backend() : host).execute(op);
    }

    @Override
    public PlanExecutor compile(Plan plan) { return new HostPlanExecutor(plan, host); }

    @Override
    public int planFrames(int frames) { return PlanCompiler.bucketed(frames, frameBucket); }

    @Override
    public PlanRecorder beginCapture() {
        if (recorder != null) throw new IllegalStateException("already capturing");
        return recorder = new PlanRecorder(host);
    }

    @Override
    public Plan endCapture(Map<String, float[]> outputs) {
        Plan plan = recorder.finish(outputs);
        recorder = null;
        return plan;
    }
}

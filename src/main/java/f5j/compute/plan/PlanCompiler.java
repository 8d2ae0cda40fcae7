package f5j.compute.plan;

/**
 * Implemented by a {@link f5j.compute.Backend} that executes whole plans natively (TornadoVM: one set of
 * task graphs reused across runs). Backends without it replay plans call by call ({@link HostPlanExecutor}).
 */
public interface PlanCompiler {
    PlanExecutor compile(Plan plan);

    /**
     * The frame count this backend builds a sample's plan at: {@code frames}, or more to reuse one compiled
     * plan for many lengths (the extra frames are masked padding that does not change the valid ones).
     */
    default int planFrames(int frames) { return frames; }

    /** One line on the plans compiled and reused so far, for a run's summary; null when there is nothing to say. */
    default String planSummary() { return null; }

    /**
     * Frames per plan bucket of the backends that pad ({@code -Df5j.plan.frameBucket}, default 256: about
     * 2.7 s of audio, so a plan at most 255 frames longer than needed; 1 turns padding off).
     */
    int FRAME_BUCKET = Math.max(1, Integer.getInteger("f5j.plan.frameBucket", 256));

    /** frames rounded up to a multiple of {@code bucket}. */
    static int bucketed(int frames, int bucket) { return (frames + bucket - 1) / bucket * bucket; }
}

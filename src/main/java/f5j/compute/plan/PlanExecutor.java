package f5j.compute.plan;

import java.util.Map;

/**
 * Runs a {@link Plan} repeatedly: weights and constants are bound once, each {@link #run} uploads the
 * INPUT buffers, executes every step and returns the OUTPUT buffers by name. The returned arrays belong to
 * the executor and are overwritten by the next run.
 */
public interface PlanExecutor extends AutoCloseable {
    /** inputs: float[] or int[] per INPUT buffer name (as recorded); returns the OUTPUT buffers. */
    Map<String, float[]> run(Map<String, ?> inputs);

    /** Bytes the last {@link #run} sent to the device (0 on the host: nothing crosses a bus). */
    default long lastRunUploadBytes() { return 0; }

    /**
     * Seconds of the plan's first device run: it compiles the kernels and uploads the weights, then runs
     * the forward once (0 on the host); later runs only do the last.
     */
    default double compileSeconds() { return 0; }

    /** One plan step and the time it took in a profiled run (on a device: its kernels' time there). */
    record StepTime(f5j.compute.Op op, double seconds) {}

    /** Whether the next runs time each step ({@link #lastRunSteps}); false when this executor cannot. */
    default boolean profileSteps(boolean on) { return false; }

    /** The steps of the last run with their times, in order, when it was profiled; else empty. */
    default java.util.List<StepTime> lastRunSteps() { return java.util.List.of(); }

    /** Releases device memory; the host executor holds none. */
    @Override
    default void close() {}
}

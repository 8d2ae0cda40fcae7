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

    /** Releases device memory; the host executor holds none. */
    @Override
    default void close() {}
}

package f5j.compute.plan;

import java.util.Map;

/**
 * A backend that can record the calls a model makes into a {@link Plan} (executing them on the host while
 * recording, so the model sees real values), to then run that plan repeatedly through {@link PlanCompiler}.
 * Used by the sampler: the first flow evaluation is captured, every later ODE step runs the compiled plan.
 */
public interface PlanCapture {
    /** Starts recording; declare the per-step inputs (and weights) on the returned recorder. */
    PlanRecorder beginCapture();

    /** Stops recording and returns the plan, {@code outputs} naming the arrays to read back. */
    Plan endCapture(Map<String, float[]> outputs);
}

package f5j.compute.plan;

import f5j.compute.Backend;
import f5j.compute.Op;
import f5j.compute.Ops;
import f5j.compute.plan.Plan.Buffer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Replays a plan on the host: each recorded {@link Op}, with the plan's handles swapped for this
 * executor's own arrays, is executed on a host backend.
 */
public final class HostPlanExecutor implements PlanExecutor {
    private final Plan plan;
    private final Backend backend;
    private final Object[] arrays;
    private final Op[] calls;

    public HostPlanExecutor(Plan plan, Backend backend) {
        this.plan = plan.requireValid();
        this.backend = backend;
        arrays = new Object[plan.buffers().size()];
        for (Buffer b : plan.buffers()) {
            // Weights and constants are shared with the recording (never written); the rest is ours.
            arrays[b.id()] = b.uploadedOnce() ? b.host() : java.lang.reflect.Array.newInstance(b.type().componentType(), b.length());
        }
        calls = new Op[plan.steps().size()];
        for (int s = 0; s < calls.length; s++) calls[s] = Ops.map(plan.steps().get(s), h -> arrays[plan.buffer(h).id()]);
    }

    private boolean profile;
    private final java.util.List<StepTime> steps = new java.util.ArrayList<>();

    @Override
    public boolean profileSteps(boolean on) {
        profile = on;
        return true;
    }

    @Override
    public java.util.List<StepTime> lastRunSteps() { return profile ? java.util.List.copyOf(steps) : java.util.List.of(); }

    public static PlanExecutor on(Backend backend, Plan plan) {
        return backend instanceof PlanCompiler c ? c.compile(plan) : new HostPlanExecutor(plan, backend);
    }

    @Override
    public Map<String, float[]> run(Map<String, ?> inputs) {
        for (Buffer b : plan.buffers()) {
            if (b.fromRunInputs()) {
                System.arraycopy(checkedInput(b, inputs), 0, arrays[b.id()], 0, b.length());
            } else if (b.resetEachRun()) {
                System.arraycopy(b.host(), 0, arrays[b.id()], 0, b.length());
            }
        }
        if (profile) {
            steps.clear();
            for (int i = 0; i < calls.length; i++) {
                long t0 = System.nanoTime();
                backend.execute(calls[i]);
                steps.add(new StepTime(plan.steps().get(i), (System.nanoTime() - t0) / 1e9));
            }
        } else {
            for (Op op : calls) backend.execute(op);
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Buffer b : plan.withRole(Plan.Role.OUTPUT)) out.put(b.name(), (float[]) arrays[b.id()]);
        return out;
    }

    /** The run's value for a buffer filled from the inputs, checked against the recorded type and length. */
    public static Object checkedInput(Buffer b, Map<String, ?> inputs) {
        Object v = inputs.get(b.name());
        if (v == null) throw new IllegalArgumentException("plan input " + b.name() + " not given");
        if (v.getClass() != b.type() || java.lang.reflect.Array.getLength(v) != b.length()) {
            throw new IllegalArgumentException("plan input " + b.name() + " is " + v.getClass().getSimpleName() + "["
                    + java.lang.reflect.Array.getLength(v) + "], the plan was recorded with "
                    + b.type().getSimpleName().replace("[]", "") + "[" + b.length() + "]");
        }
        return v;
    }
}

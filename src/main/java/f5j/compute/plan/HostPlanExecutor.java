package f5j.compute.plan;

import f5j.compute.Backend;
import f5j.compute.plan.Plan.Arg;
import f5j.compute.plan.Plan.Buffer;
import f5j.compute.plan.Plan.Step;

import java.lang.reflect.InvocationTargetException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Replays a plan on the host by calling the recorded {@link Backend} methods on a host backend (the CPU
 * backend runs the plain {@link f5j.compute.Kernels}) with the plan's own buffers.
 */
public final class HostPlanExecutor implements PlanExecutor {
    private final Plan plan;
    private final Backend backend;
    private final Object[] arrays;
    private final Object[][] calls;

    public HostPlanExecutor(Plan plan, Backend backend) {
        this.plan = plan.requireValid();
        this.backend = backend;
        arrays = new Object[plan.buffers().size()];
        for (Buffer b : plan.buffers()) {
            // Weights and constants are shared with the recording (never written); the rest is ours.
            arrays[b.id()] = b.uploadedOnce() ? b.host() : java.lang.reflect.Array.newInstance(b.type().componentType(), b.length());
        }
        calls = new Object[plan.steps().size()][];
        for (int s = 0; s < calls.length; s++) {
            Step st = plan.steps().get(s);
            Object[] a = new Object[st.args().size()];
            for (int i = 0; i < a.length; i++) {
                a[i] = switch (st.args().get(i)) {
                    case Arg.Buf b -> arrays[b.id()];
                    case Arg.None n -> null;
                    case Arg.Scalar v -> v.value();
                };
            }
            calls[s] = a;
        }
    }

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
        for (int s = 0; s < calls.length; s++) {
            try {
                plan.steps().get(s).op().invoke(backend, calls[s]);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw new IllegalStateException(e.getCause());
            }
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

package f5j.compute.plan;

import f5j.compute.Backend;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * A host backend that runs models the way a device backend does: captured into plans and replayed through
 * {@link HostPlanExecutor} ({@code --backend cpu-plan}). It exists so the plan path (capture, roles,
 * replay across ODE steps) is tested against the goldens where there is no device.
 */
public final class PlanBackend {
    private PlanBackend() {}

    public static Backend over(Backend host) {
        var state = new Object() {
            PlanRecorder recorder;
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
                new Class<?>[] {Backend.class, PlanCompiler.class, PlanCapture.class}, (p, m, args) -> {
                    if (m.getDeclaringClass() == Object.class) {
                        return switch (m.getName()) {
                            case "hashCode" -> System.identityHashCode(p);
                            case "equals" -> p == args[0];
                            default -> host.name() + "-plan";
                        };
                    }
                    if (m.getDeclaringClass() == PlanCompiler.class) return new HostPlanExecutor((Plan) args[0], host);
                    if (m.getName().equals("beginCapture")) {
                        if (state.recorder != null) throw new IllegalStateException("already capturing");
                        return state.recorder = new PlanRecorder(host);
                    }
                    if (m.getName().equals("endCapture")) {
                        @SuppressWarnings("unchecked") Map<String, float[]> outputs = (Map<String, float[]>) args[0];
                        Plan plan = state.recorder.finish(outputs);
                        state.recorder = null;
                        return plan;
                    }
                    if (m.getName().equals("name") && m.getParameterCount() == 0) return host.name() + "-plan";
                    return invoke(m, state.recorder != null ? state.recorder.backend() : host, args);
                });
    }

    private static Object invoke(Method m, Backend target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}

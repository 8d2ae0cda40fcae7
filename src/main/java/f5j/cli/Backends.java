package f5j.cli;

import f5j.compute.Backend;
import f5j.compute.Precision;
import f5j.compute.plan.PlanBackend;
import f5j.util.F5jException;

import java.lang.reflect.InvocationTargetException;

/** Resolves {@code --backend NAME}. */
final class Backends {
    private Backends() {}

    /** Only present in builds made with -Ptornadovm; looked up by name so the default build never links it. */
    static final String TORNADO_BACKEND = "f5j.compute.tornado.TornadoBackend";

    static Backend byName(String name) { return byName(name, Precision.FP32); }

    /** {@code deviceWeights}: how the device stores linear weights; only a device backend has a choice. */
    static Backend byName(String name, Precision deviceWeights) {
        if (deviceWeights != Precision.FP32 && !name.equals("tornado")) {
            throw new F5jException("--device-weights " + deviceWeights.label() + ": only --backend tornado stores "
                    + "weights on a device; --backend " + name + " computes with the fp32 weights (for what reduced "
                    + "precision does on the CPU, see `./f5j audit --precision " + deviceWeights.label() + "`)");
        }
        return switch (name) {
            case "cpu" -> Backend.cpu();
            case "reference" -> Backend.reference();
            case "cpu-plan" -> PlanBackend.over(Backend.cpu()); // the device execution model, on the host
            case "tornado" -> tornado(deviceWeights);
            default -> throw new F5jException("--backend " + name + ": unknown backend (cpu, reference, cpu-plan, tornado)");
        };
    }

    private static Backend tornado(Precision deviceWeights) {
        Class<?> c;
        try {
            c = Class.forName(TORNADO_BACKEND);
        } catch (NoClassDefFoundError e) {
            throw notInstalled(e);
        } catch (ClassNotFoundException e) {
            throw new F5jException("--backend tornado: this build has no TornadoVM backend; rebuild with "
                    + "`mvn -Ptornadovm package -DskipTests` (see README, TornadoVM)");
        }
        try {
            return (Backend) c.getMethod("create", Precision.class).invoke(null, deviceWeights);
        } catch (NoClassDefFoundError e) {
            throw notInstalled(e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof NoClassDefFoundError n) throw notInstalled(n);
            Throwable root = e.getCause();
            while (root.getCause() != null) root = root.getCause();
            throw new F5jException("--backend tornado: the TornadoVM runtime failed to start (" + root
                    + "); check the SDK with `$TORNADOVM_HOME/bin/tornado --devices`, set TORNADOVM_HOME to it and "
                    + "start f5j with ./f5j, which adds TornadoVM's JVM flags");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static F5jException notInstalled(NoClassDefFoundError e) {
        return new F5jException("--backend tornado: TornadoVM is not available in this JVM (missing "
                + e.getMessage() + "); install the TornadoVM SDK, set TORNADOVM_HOME to it and start f5j with ./f5j");
    }
}

package f5j.bench;

import f5j.compute.Backend;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Wraps a {@link Backend} so every operation's wall time and call count are summed by name (and, for
 * linear, by shape): the profile of where a forward spends its time. Only the time inside backend calls
 * is seen; the rest of a forward shows up as the difference to the total.
 */
public final class OpProfile {
    public record Entry(String op, long calls, double seconds, double flops) {}

    private final Map<String, double[]> acc = new LinkedHashMap<>();
    private final Backend wrapped;

    public OpProfile(Backend inner) {
        InvocationHandler h = (proxy, m, args) -> {
            if (args == null || m.getName().equals("name")) return invoke(inner, m, args);
            long t0 = System.nanoTime();
            Object r = invoke(inner, m, args);
            double s = (System.nanoTime() - t0) / 1e9;
            String key = m.getName();
            double flops = 0;
            if (key.equals("linear")) {
                int rows = (int) args[1], in = (int) args[2], out = (int) args[5];
                key = "linear " + (rows < 16 ? "few rows " : "") + in + "->" + out;
                flops = 2.0 * rows * in * out;
            } else if (key.equals("attention")) {
                int batch = (int) args[3], len = (int) args[4], heads = (int) args[5], dh = (int) args[6];
                flops = 4.0 * batch * heads * len * (double) len * dh;
            } else if (key.equals("conv1d")) {
                int batch = (int) args[1], len = (int) args[2], cin = (int) args[3], cout = (int) args[6];
                int k = (int) args[7], groups = (int) args[8];
                key = "conv1d k" + k + (groups == 1 ? "" : groups == cin ? " depthwise" : " groups " + groups);
                flops = 2.0 * batch * len * cout * (cin / groups) * k;
            }
            synchronized (acc) {
                double[] e = acc.computeIfAbsent(key, x -> new double[3]);
                e[0]++;
                e[1] += s;
                e[2] += flops;
            }
            return r;
        };
        wrapped = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, h);
    }

    private static Object invoke(Backend inner, java.lang.reflect.Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(inner, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    public Backend backend() { return wrapped; }

    public void reset() {
        synchronized (acc) { acc.clear(); }
    }

    /** Entries by descending time. */
    public List<Entry> entries() {
        List<Entry> l = new ArrayList<>();
        synchronized (acc) {
            acc.forEach((k, v) -> l.add(new Entry(k, (long) v[0], v[1], v[2])));
        }
        l.sort((a, b) -> Double.compare(b.seconds, a.seconds));
        return l;
    }
}

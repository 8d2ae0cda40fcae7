package f5j.dit;

import java.util.HashMap;
import java.util.Map;

/**
 * Scratch arrays reused from one forward to the next, by name: a forward with the same shapes as the
 * previous one (every step of an ODE solve) allocates nothing. Callers must not keep a scratch array
 * beyond the call that filled it.
 */
final class Workspace {
    private final Map<String, float[]> buffers = new HashMap<>();

    /** An array of exactly {@code n} floats for {@code key} (contents undefined). */
    float[] get(String key, int n) {
        float[] a = buffers.get(key);
        if (a == null || a.length != n) {
            a = new float[n];
            buffers.put(key, a);
        }
        return a;
    }
}

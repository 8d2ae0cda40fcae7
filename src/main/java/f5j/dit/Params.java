package f5j.dit;

import f5j.util.F5jException;
import f5j.weights.RawTensor;

import java.util.Arrays;
import java.util.Map;

/** Reads the DiT's tensors out of a CFM state dict ({@code transformer.*} keys), checking their shapes. */
final class Params {
    private final Map<String, RawTensor> sd;
    private final String prefix;
    /** Every array handed out, with its state-dict key (by identity): the model's parameters. */
    private final Map<Object, String> given = new java.util.IdentityHashMap<>();

    Params(Map<String, RawTensor> sd, String prefix) {
        this.sd = sd;
        this.prefix = prefix;
    }

    /** The tensor {@code prefix + name} as floats; its shape must be {@code shape}. */
    float[] get(String name, int... shape) {
        RawTensor t = sd.get(prefix + name);
        if (t == null) throw new F5jException("state dict: missing " + prefix + name);
        if (!Arrays.equals(t.intShape(), shape)) {
            throw new F5jException("state dict: " + prefix + name + " has shape " + t.shapeString() + ", the model needs "
                    + Arrays.toString(shape));
        }
        float[] a = t.toFloats();
        given.put(a, prefix + name);
        return a;
    }

    /** The arrays {@link #get} returned, each with its state-dict key (an identity map). */
    Map<Object, String> given() { return java.util.Collections.unmodifiableMap(given); }

    boolean has(String name) { return sd.containsKey(prefix + name); }

    /** The shape of {@code prefix + name}, which must exist. */
    int[] shape(String name) {
        RawTensor t = sd.get(prefix + name);
        if (t == null) throw new F5jException("state dict: missing " + prefix + name);
        return t.intShape();
    }

    /** A Linear layer {@code name} (weight out x in, bias out unless {@code bias} is false). */
    Linear linear(String name, int in, int out, boolean bias) {
        return new Linear(get(name + ".weight", out, in), bias ? get(name + ".bias", out) : null, in, out);
    }
}

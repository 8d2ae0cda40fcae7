package f5j.config;

import com.google.gson.JsonPrimitive;
import f5j.util.F5jException;

import java.math.BigDecimal;
import java.util.Map;

/** One config section's values, read strictly: the right type, in range, or one error naming the key. */
final class ConfigValues {
    private final Map<String, Object> m;
    private final String source, section;

    ConfigValues(Map<String, Object> m, String source, String section) {
        this.m = m;
        this.source = source;
        this.section = section;
    }

    boolean has(String k) { return m.get(k) != null; }

    int required(String k, int min, int max) {
        if (!has(k)) throw new F5jException(source + ": " + section + "." + k + " is missing");
        return integer(k, 0, min, max);
    }

    /** An integer in [min, max]; {@code dflt} when absent. 64.5, "64", true and 1e9 are refused, not rounded. */
    int integer(String k, int dflt, int min, int max) {
        Object v = m.get(k);
        if (v == null) return dflt;
        if (!(v instanceof Integer i)) {
            throw new F5jException(source + ": " + section + "." + k + " must be an integer, got " + show(v));
        }
        if (i < min || i > max) {
            throw new F5jException(source + ": " + section + "." + k + " must be in " + min + ".." + max + ", got " + i);
        }
        return i;
    }

    boolean bool(String k, boolean dflt) {
        Object v = m.get(k);
        if (v == null) return dflt;
        if (!(v instanceof Boolean b)) throw new F5jException(source + ": " + section + "." + k + " must be true or false, got " + show(v));
        return b;
    }

    String string(String k, String dflt, String... allowed) {
        Object v = m.get(k);
        if (v == null) return dflt;
        for (String a : allowed) if (a.equals(v)) return a;
        throw new F5jException(source + ": " + section + "." + k + " must be one of " + String.join(", ", allowed) + ", got " + show(v));
    }

    /** A value for an error message: short, and a number as written. */
    static String show(Object v) {
        String s = v instanceof String str ? "'" + str + "'" : String.valueOf(v);
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }

    /** A JSON number as YAML would give it: an Integer when integral and in range, else the number as is. */
    static Object jsonNumber(JsonPrimitive p) {
        try {
            BigDecimal d = p.getAsBigDecimal();
            return d.intValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            return p.getAsDouble();
        }
    }
}

package f5j.weights;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How a state dict differs from the tensors a model expects (as {@code load_state_dict(strict=True)}):
 * missing and unexpected names, and the first tensor, in the model's order, whose shape disagrees.
 */
public record ShapeCheck(List<String> missing, List<String> unexpected, String mismatch, long[] actual, long[] wanted) {

    public static ShapeCheck of(Map<String, RawTensor> sd, Map<String, long[]> expected) {
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>();
        String mismatch = null;
        long[] got = null, want = null;
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            RawTensor t = sd.get(e.getKey());
            if (t == null) missing.add(e.getKey());
            else if (mismatch == null && !Arrays.equals(t.shape(), e.getValue())) {
                mismatch = e.getKey();
                got = t.shape();
                want = e.getValue();
            }
        }
        for (String k : sd.keySet()) if (!expected.containsKey(k)) unexpected.add(k);
        return new ShapeCheck(List.copyOf(missing), List.copyOf(unexpected), mismatch, got, want);
    }

    public boolean ok() { return missing.isEmpty() && unexpected.isEmpty() && mismatch == null; }

    /** One line: the first mismatch with both shapes, then missing and unexpected tensors. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (mismatch != null) {
            parts.add("first mismatch " + mismatch + ": checkpoint " + Arrays.toString(actual) + ", config needs "
                    + Arrays.toString(wanted));
        }
        if (!missing.isEmpty()) parts.add(missing.size() + " missing (" + abbreviate(missing) + ")");
        if (!unexpected.isEmpty()) parts.add(unexpected.size() + " unexpected (" + abbreviate(unexpected) + ")");
        return parts.isEmpty() ? "all shapes match" : String.join("; ", parts);
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 3 ? String.join(", ", names) : String.join(", ", names.subList(0, 3)) + ", ...";
    }
}

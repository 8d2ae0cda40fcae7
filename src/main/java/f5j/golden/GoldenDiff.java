package f5j.golden;

import f5j.weights.RawTensor;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Compares two recordings tensor by tensor: parameters in the metadata and inputs must be identical (a
 * difference there is reported as an input difference — {@code meta/KEY} or {@code inputs/NAME} — not a
 * numerical one), outputs and activations within a relative tolerance. The
 * first failing {@code act/} entry in A's recording order is the first divergent layer.
 */
public final class GoldenDiff {
    private GoldenDiff() {}

    public static final double DEFAULT_TOL = 1e-4;

    /**
     * Metadata that says where or how a recording was made rather than what was computed: a difference is
     * noted, not failed (the numbers show whether it mattered). Every other key (kind, digests, seed, texts,
     * settings) is a parameter, and a difference there is an input difference.
     */
    static final Set<String> INFORMATIVE = Set.of("what", "f5j_version", "backend", "precision", "model", "model_abs",
            "vocoder", "vocoder_abs", "ref_audio", "checkpoint");

    public static GoldenReport diff(GoldenFile a, GoldenFile b, double tol, Double atol) {
        GoldenReport report = new GoldenReport();
        report.setAtol(atol);
        Set<String> keys = new LinkedHashSet<>(a.tensors().metadata().keySet());
        keys.addAll(b.tensors().metadata().keySet());
        for (String key : keys) {
            String va = a.meta(key), vb = b.meta(key);
            if (Objects.equals(va, vb)) continue;
            if (INFORMATIVE.contains(key)) report.pass("meta/" + key, "", "differs (informative): " + va + " vs " + vb);
            else report.fail("meta/" + key, "differs: " + va + " vs " + vb);
        }
        for (String name : a.tensors().names()) {
            if (!b.has(name)) {
                report.fail(name, "only in " + a.path().getFileName());
                continue;
            }
            RawTensor ta = a.raw(name), tb = b.raw(name);
            if (name.startsWith("inputs/")) {
                if (ta.sameAs(tb)) report.pass(name, ta.shapeString(), "identical input");
                else report.fail(name, "input differs" + (Arrays.equals(ta.shape(), tb.shape()) ? ""
                        : " (shape " + ta.shapeString() + " vs " + tb.shapeString() + ")"));
            } else if (ta.dtype().isFloat()) {
                report.compare(name, tb, ta.toTensor(), tol);
            } else {
                report.compareExact(name, tb.toLongs(), ta.toLongs());
            }
        }
        for (String name : b.tensors().names()) {
            if (!a.has(name)) report.fail(name, "only in " + b.path().getFileName());
        }
        return report;
    }

    /** The failed parameter and input checks ({@code meta/*}, {@code inputs/*}): the two runs were not asked the same. */
    public static java.util.List<String> inputDifferences(GoldenReport report) {
        return report.checks().stream().filter(c -> c.status() == Check.Status.FAIL)
                .map(Check::name).filter(n -> n.startsWith("meta/") || n.startsWith("inputs/")).toList();
    }

    /** The first failed activation (module output) in recording order, or null. */
    public static Check firstDivergentLayer(GoldenReport report) {
        return report.checks().stream().filter(c -> !c.passed() && c.status() == Check.Status.FAIL)
                .filter(c -> c.name().startsWith("act/") || c.name().contains(": act/")).findFirst().orElse(null);
    }
}

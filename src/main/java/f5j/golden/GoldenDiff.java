package f5j.golden;

import f5j.weights.RawTensor;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Compares two recordings tensor by tensor: the parameters in the metadata and the inputs must be identical
 * (a difference there — {@code meta/KEY}, {@code inputs/NAME} — is an input difference, not a numerical one),
 * outputs and activations within a relative tolerance. The
 * first failing {@code act/} entry in A's recording order is the first divergent layer.
 */
public final class GoldenDiff {
    private GoldenDiff() {}

    public static final double DEFAULT_TOL = 1e-4;

    /**
     * Metadata that says where, when or how a recording was made, or what followed from its parameters
     * ({@code chunks}), rather than what it was asked: a difference is noted, not failed (the numbers show
     * whether it mattered). Every other key — kind, digests, seed, texts, nfe, cfg, ... — is a parameter, and a
     * difference there is an input difference.
     */
    static final Set<String> NOTED = Set.of("what", "f5j_version", "backend", "precision", "recorded_at", "model",
            "vocoder", "ref_file", "checkpoint", "chunks");

    public static GoldenReport diff(GoldenFile a, GoldenFile b, double tol, Double atol) {
        GoldenReport report = new GoldenReport();
        report.setAtol(atol);
        Set<String> keys = new LinkedHashSet<>(a.tensors().metadata().keySet());
        keys.addAll(b.tensors().metadata().keySet());
        for (String key : keys) {
            String va = a.meta(key), vb = b.meta(key);
            if (Objects.equals(va, vb)) continue;
            if (NOTED.contains(key)) report.pass("meta/" + key, "", "differs (noted): " + va + " vs " + vb);
            else report.fail("meta/" + key, "differs: " + va + " vs " + vb);
        }
        for (String name : a.tensors().names()) {
            if (!b.has(name)) {
                onlyIn(report, name, a);
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
            if (!a.has(name)) onlyIn(report, name, b);
        }
        return report;
    }

    /** An activation one recording did not tap is no divergence (different --taps); a missing input or output is. */
    private static void onlyIn(GoldenReport report, String name, GoldenFile f) {
        if (name.startsWith("act/")) report.skip(name, "only in " + f.path().getFileName());
        else report.fail(name, "only in " + f.path().getFileName());
    }

    /** The metadata and inputs/ checks that failed: the two runs were not given the same inputs. */
    public static java.util.List<String> inputDifferences(GoldenReport report) {
        return report.checks().stream().filter(c -> c.status() == Check.Status.FAIL)
                .filter(c -> c.name().startsWith("inputs/") || c.name().startsWith("meta/")).map(Check::name).toList();
    }

    /** The first activation (module output), in recording order, whose numbers are over tolerance, or null. */
    public static Check firstDivergentLayer(GoldenReport report) {
        return report.checks().stream().filter(c -> c.status() == Check.Status.FAIL && !Double.isNaN(c.rel()))
                .filter(c -> c.name().startsWith("act/") || c.name().contains(": act/")).findFirst().orElse(null);
    }
}

package f5j.golden;

import f5j.tensor.Tensor;
import f5j.weights.RawTensor;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The checks of one or more golden files, printed as a table with a closing "N passed, N failed" line. */
public final class GoldenReport {
    private final List<Check> checks = new ArrayList<>();
    private String prefix = "";
    private Double atol;

    /** When set, a tensor whose max |a-b| is within this also passes (user override, --atol). */
    public void setAtol(Double atol) { this.atol = atol; }

    /** Names of later checks are prefixed with this (the golden file's name when verifying several). */
    public void setPrefix(String prefix) { this.prefix = prefix; }

    public List<Check> checks() { return checks; }

    public void add(Check c) { checks.add(c); }

    /** Compares a produced tensor with the golden one: shapes must agree, max|a-b|/max|b| <= tol. */
    public Check compare(String name, RawTensor expected, Tensor actual, double tol) {
        String shape = expected.shapeString();
        if (actual == null) return add(name, shape, Double.NaN, Double.NaN, tol, Check.Status.FAIL, "not produced");
        long[] es = expected.shape();
        if (!Arrays.equals(es, toLong(actual.shape))) {
            return add(name, shape, Double.NaN, Double.NaN, tol, Check.Status.FAIL,
                    "shape " + actual.shapeString() + " != " + shape);
        }
        float[] e = expected.toFloats();
        double abs = Metrics.maxAbsDiff(actual.data, e), rel = Metrics.relError(actual.data, e);
        boolean ok = rel <= tol || (atol != null && abs <= atol);
        return add(name, shape, abs, rel, tol, ok ? Check.Status.PASS : Check.Status.FAIL, ok ? "" : "over tolerance");
    }

    /** Compares integers (token ids, ...) exactly. */
    public Check compareExact(String name, long[] expected, long[] actual) {
        String shape = "[" + expected.length + "]";
        if (actual == null) return add(name, shape, Double.NaN, Double.NaN, 0, Check.Status.FAIL, "not produced");
        if (Arrays.equals(expected, actual)) return add(name, shape, 0, 0, 0, Check.Status.PASS, "");
        int i = Arrays.mismatch(expected, actual);
        String note = i >= Math.min(expected.length, actual.length)
                ? "length " + actual.length + " != " + expected.length
                : "first difference at " + i + ": " + actual[i] + " != " + expected[i];
        return add(name, shape, Double.NaN, Double.NaN, 0, Check.Status.FAIL, note);
    }

    /** Compares strings (texts, token lists) exactly. */
    public Check compareText(String name, String expected, String actual) {
        if (expected.equals(actual)) return add(name, "text", 0, 0, 0, Check.Status.PASS, "");
        return add(name, "text", Double.NaN, Double.NaN, 0, Check.Status.FAIL,
                "got " + abbreviate(actual) + ", want " + abbreviate(expected));
    }

    /**
     * Compares every {@code out/*} and {@code act/*} tensor of the golden with the produced ones of the
     * same name; one missing from {@code produced} fails as "not produced".
     */
    public void compareAll(GoldenFile golden, Map<String, Tensor> produced, ToDoubleFunction<String> tolerance) {
        for (String name : golden.expectedNames()) {
            compare(name, golden.raw(name), produced.get(name), tolerance.applyAsDouble(name));
        }
    }

    public void skip(String name, String why) {
        add(name, "", Double.NaN, Double.NaN, Double.NaN, Check.Status.SKIP, why);
    }

    public void fail(String name, String why) {
        add(name, "", Double.NaN, Double.NaN, Double.NaN, Check.Status.FAIL, why);
    }

    public void pass(String name, String shape, String note) {
        add(name, shape, 0, 0, 0, Check.Status.PASS, note);
    }

    private Check add(String name, String shape, double abs, double rel, double tol, Check.Status s, String note) {
        Check c = new Check(prefix + name, shape, abs, rel, tol, s, note);
        checks.add(c);
        return c;
    }

    public long count(Check.Status s) { return checks.stream().filter(c -> c.status() == s).count(); }

    /** Nothing failed and something was checked: a run that passed nothing (a wrong folder in CI) is not a success. */
    public boolean ok() { return count(Check.Status.FAIL) == 0 && count(Check.Status.PASS) > 0; }

    public void print(PrintStream out, boolean onlyProblems) {
        int w = Math.max(20, checks.stream().mapToInt(c -> c.name().length()).max().orElse(20));
        w = Math.min(w, 90);
        out.printf("%-" + w + "s  %-18s %11s %11s %9s  %s%n", "name", "shape", "max|a-b|", "rel", "tol", "result");
        for (Check c : checks) {
            if (onlyProblems && c.passed()) continue;
            out.printf("%-" + w + "s  %-18s %11s %11s %9s  %s%s%n", c.name(), c.shape(), num(c.maxAbs()), num(c.rel()),
                    num(c.tol()), c.status(), c.note().isEmpty() ? "" : " (" + c.note() + ")");
        }
    }

    /** The closing line the CI reads: "N passed, N failed, N skipped". */
    public String summary() {
        return count(Check.Status.PASS) + " passed, " + count(Check.Status.FAIL) + " failed, "
                + count(Check.Status.SKIP) + " skipped";
    }

    /** Three significant digits in any scale (1.19e-07, never 0.00 for a value that is not zero); exact zero as 0. */
    private static String num(double v) { return Double.isNaN(v) ? "-" : v == 0 ? "0" : String.format("%.3g", v); }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private static long[] toLong(int[] s) {
        long[] l = new long[s.length];
        for (int i = 0; i < s.length; i++) l[i] = s[i];
        return l;
    }

    // --- synth area: audio compared by relative error or SNR ---

    /**
     * Compares audio: passes when max|a-b|/max|b| <= tol or the SNR of actual against expected is at
     * least {@code minSnrDb}; the note gives the SNR either way.
     */
    public Check compareAudio(String name, RawTensor expected, Tensor actual, double tol, double minSnrDb) {
        String shape = expected.shapeString();
        if (actual == null) return add(name, shape, Double.NaN, Double.NaN, tol, Check.Status.FAIL, "not produced");
        if (!Arrays.equals(expected.shape(), toLong(actual.shape))) {
            return add(name, shape, Double.NaN, Double.NaN, tol, Check.Status.FAIL,
                    "shape " + actual.shapeString() + " != " + shape);
        }
        float[] e = expected.toFloats();
        double abs = Metrics.maxAbsDiff(actual.data, e), rel = Metrics.relError(actual.data, e);
        double snr = Metrics.snrDb(actual.data, e);
        boolean ok = rel <= tol || snr >= minSnrDb;
        String note = String.format("SNR %.1f dB", snr) + (ok ? "" : ", over tolerance and under " + minSnrDb + " dB");
        return add(name, shape, abs, rel, tol, ok ? Check.Status.PASS : Check.Status.FAIL, note);
    }
}

package f5j.audit;

import f5j.audit.AuditReport.Cause;
import f5j.audit.AuditReport.FactorEffect;
import f5j.audit.AuditReport.Finding;
import f5j.audit.AuditReport.Verdict;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import static f5j.audit.AuditReport.BY_DESIGN;
import static f5j.audit.AuditReport.CAUSE;
import static f5j.audit.AuditReport.OK;
import static f5j.audit.AuditReport.SUSPECT;
import static f5j.audit.AuditReport.UNKNOWN;

/** Conclusions: each measured factor beside its noise floor, and the verdict from the findings. */
public final class Findings {
    /** Relative error (max|a-b| / max|b|) below which two layers count as the same: the goldens' tolerance. */
    public static final double TOL = 1e-4;
    /** A measured final-mel effect this many noise floors large is beyond noise. */
    public static final double BEYOND_NOISE = 3;
    /** Which cause to name when several are found: those that break everything before those that blur. */
    static final List<String> PRIORITY = List.of("precision", "weights", "vocab", "architecture", "reference", "tokens", "duration", "settings");
    /** Factors that differ between the trainer's sample and inference by upstream's design (a baseline, never a cause by measurement). */
    static final List<String> DESIGN = List.of("tokens", "reference", "duration");

    private Findings() {}

    /** The status of a factor: the worst of its findings (cause > suspect > unknown > by-design > ok). */
    static String status(List<Finding> findings, String factor) {
        List<String> order = List.of(CAUSE, SUSPECT, UNKNOWN, BY_DESIGN, OK);
        return findings.stream().filter(f -> f.factor().equals(factor)).map(Finding::status)
                .min(Comparator.comparingInt(order::indexOf)).orElse(UNKNOWN);
    }

    /**
     * Each factor's effects beside the noise floors, ranked by the final effect over the floor. A by-design
     * factor keeps status by-design unless a finding made it a cause or suspect; a measured factor (weights, precision,
     * architecture) beyond {@link #BEYOND_NOISE} floors becomes at least suspect.
     */
    public static void rankCauses(AuditReport r) {
        double floor1 = r.noiseFloor == null ? Double.NaN : r.noiseFloor.firstStep();
        double floorF = r.noiseFloor == null ? Double.NaN : r.noiseFloor.finalMel();
        List<Cause> c = new ArrayList<>();
        for (FactorEffect f : r.factors) {
            String st = status(r.findings, f.factor());
            double ratio = f.finalEffect() / floorF;
            boolean design = DESIGN.contains(f.factor()) && !st.equals(CAUSE) && !st.equals(SUSPECT);
            if (design) st = BY_DESIGN;
            else if (!(ratio <= BEYOND_NOISE) && (st.equals(OK) || st.equals(UNKNOWN))) st = SUSPECT;
            boolean numeric = !DESIGN.contains(f.factor()) && !(ratio <= 1) && (st.equals(CAUSE) || st.equals(SUSPECT));
            String nonfinite = nonfinite(f.effect(), f.finalEffect());
            c.add(new Cause(f.factor(), f.effect(), floor1, f.finalEffect(), floorF, ratio, st, nonfinite,
                    numeric ? f.firstLayerOverTolerance() : null, f.detail()));
        }
        c.sort(Comparator.comparing((Cause x) -> x.status().equals(BY_DESIGN))
                .thenComparing(Comparator.comparingDouble((Cause x) -> Double.isNaN(x.ratio()) ? Double.POSITIVE_INFINITY : x.ratio()).reversed()));
        r.causes.clear();
        r.causes.addAll(c);
    }

    static String nonfinite(double... v) {
        for (double x : v) if (Double.isNaN(x)) return "nan";
        for (double x : v) if (Double.isInfinite(x)) return "inf";
        return "none";
    }

    /**
     * The verdict: the highest-priority finding with status cause; else a measured factor (not by design)
     * beyond the noise; else the highest-priority suspect (a possible cause: nothing planted leaves one);
     * else null, naming what is by design and what could not be checked.
     */
    public static Verdict verdict(AuditReport r) {
        for (String factor : PRIORITY) {
            for (Finding f : r.findings) {
                if (f.factor().equals(factor) && f.status().equals(CAUSE)) {
                    String also = others(r, f);
                    return new Verdict(factor, "Most likely cause: " + factor + " (" + f.check() + "). " + f.evidence() + "." + also, f.fix());
                }
            }
        }
        for (Cause c : r.causes) {
            if (!c.status().equals(BY_DESIGN) && !DESIGN.contains(c.factor()) && !(c.ratio() <= BEYOND_NOISE)) {
                return new Verdict(c.factor(), String.format(Locale.ROOT, "Most likely cause: %s, by measurement: switching it alone moves the "
                                + "generated mel by %s, %s times the noise floor (two seeds: %s)%s.", c.factor(), ReportWriter.num(c.finalEffect()),
                        ReportWriter.num(c.ratio()), ReportWriter.num(c.finalNoiseFloor()), c.firstLayer() == null ? "" : "; first layer over tolerance " + c.firstLayer()),
                        fixFor(c.factor()));
            }
        }
        for (String factor : PRIORITY) {
            for (Finding f : r.findings) {
                if (f.factor().equals(factor) && f.status().equals(SUSPECT)) {
                    return new Verdict(factor, "Possible cause: " + factor + " (" + f.check() + "). " + f.evidence() + ". Nothing was found "
                            + "that certainly breaks inference; this is the only difference beyond upstream's design." + others(r, f),
                            f.fix().isEmpty() ? fixFor(factor) : f.fix());
                }
            }
        }
        List<String> design = new ArrayList<>(), unknown = new ArrayList<>(), suspect = new ArrayList<>();
        for (Finding f : r.findings) {
            if (f.status().equals(BY_DESIGN)) design.add(f.check());
            if (f.status().equals(UNKNOWN)) unknown.add(f.check());
            if (f.status().equals(SUSPECT)) suspect.add(f.check() + " (" + f.evidence() + ")");
        }
        StringBuilder s = new StringBuilder("Nothing differs beyond upstream's design and the noise between two seeds.");
        if (!design.isEmpty()) s.append(" By design (not causes): ").append(String.join(", ", design)).append('.');
        if (!suspect.isEmpty()) s.append(" Worth a look: ").append(String.join("; ", suspect)).append('.');
        if (!unknown.isEmpty()) s.append(" Not checkable with the inputs given: ").append(String.join(", ", unknown)).append('.');
        return new Verdict(null, s.toString(), unknown.isEmpty() ? "" : "give the missing inputs (see the unknown checks) to check those too");
    }

    private static String others(AuditReport r, Finding chosen) {
        List<String> more = new ArrayList<>();
        for (Finding f : r.findings) {
            if (f != chosen && (f.status().equals(CAUSE) || f.status().equals(SUSPECT))) more.add(f.check() + " (" + f.status() + ")");
        }
        return more.isEmpty() ? "" : " Also found: " + String.join(", ", more) + ".";
    }

    static String fixFor(String factor) {
        return switch (factor) {
            case "weights" -> Checks.FIX_WEIGHTS;
            case "precision" -> "infer in fp32 (or bf16), or find the layer whose activations leave the fp16 range";
            case "architecture" -> "infer with the training config (its model yaml)";
            case "vocab" -> "use the training vocab at inference";
            case "tokens" -> "store the dataset text as inference tokenizes it (upstream's prepare scripts) and fine-tune again";
            default -> "";
        };
    }
}

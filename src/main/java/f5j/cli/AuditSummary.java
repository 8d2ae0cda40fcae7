package f5j.cli;

import f5j.audit.AuditReport;

import java.util.Locale;

/** The audit's terminal summary: the verdict, the checklist, the measured factors beside the noise floor. */
public final class AuditSummary {
    private AuditSummary() {}

    public static String text(AuditReport r) {
        StringBuilder s = new StringBuilder();
        if (r.verdict != null) {
            s.append("verdict: ").append(r.verdict.cause() == null ? "no cause found" : r.verdict.cause()).append('\n');
            s.append("  ").append(r.verdict.summary()).append('\n');
            if (r.verdict.fix() != null && !r.verdict.fix().isEmpty()) s.append("  fix: ").append(r.verdict.fix()).append('\n');
        }
        if (!r.findings.isEmpty()) s.append("checks:\n");
        for (AuditReport.Finding f : r.findings) {
            s.append(String.format(Locale.ROOT, "  %-9s %-36s %s%n", f.status(), f.check(), f.evidence()));
        }
        if (r.noiseFloor != null) {
            s.append(String.format(Locale.ROOT, "measured on generated frames %d..%d; noise floor (seeds %d, %d): first step %s, final mel %s%n",
                    r.noiseFloor.fromFrame(), r.noiseFloor.toFrame(), r.noiseFloor.seedA(), r.noiseFloor.seedB(),
                    fmt(r.noiseFloor.firstStep()), fmt(r.noiseFloor.finalMel())));
        }
        for (AuditReport.Cause c : r.causes) {
            s.append(String.format(Locale.ROOT, "  %-12s final %s = %s x floor  (%s)%s%n", c.factor(), fmt(c.finalEffect()),
                    fmt(c.ratio()), c.status(), c.firstLayer() == null ? "" : ", first layer " + c.firstLayer()));
        }
        if (r.finalOutput != null && r.finalOutput.audioSnrDb() != null) {
            s.append(String.format(Locale.ROOT, "audio SNR of inference against trainer %.1f dB (%s, %s)%n",
                    r.finalOutput.audioSnrDb(), r.finalOutput.trainWav(), r.finalOutput.inferWav()));
        }
        return s.toString().stripTrailing();
    }

    public static String fmt(double v) {
        return Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? "inf" : String.format(Locale.ROOT, "%.3g", v);
    }
}

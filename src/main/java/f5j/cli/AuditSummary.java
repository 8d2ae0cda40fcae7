package f5j.cli;

import f5j.audit.Audit;
import f5j.audit.AuditReport;

import java.util.Locale;

/** The audit's terminal summary: first divergence, ranked causes, the architecture and precision findings. */
public final class AuditSummary {
    private AuditSummary() {}

    public static String text(AuditReport r) {
        StringBuilder s = new StringBuilder();
        AuditReport.Divergence d = r.firstDivergence;
        s.append("first divergence: ").append(d.stage()).append(d.layer() == null ? "" : " / " + d.layer()).append('\n');
        String dit = f5j.audit.LayerCompare.firstOver(r.layers, Audit.TOL);
        s.append("first DiT layer over ").append(Audit.TOL).append(" (train vs inference, first ODE step): ").append(dit == null ? "none" : dit).append('\n');
        s.append("causes, largest effect on the output mel first:\n");
        int i = 1;
        for (AuditReport.Cause c : r.causes) {
            s.append(String.format(Locale.ROOT, "  %d. %-12s %10s  %s%n", i++, c.factor(), fmt(c.effect()), c.detail()));
        }
        if (r.architecture != null) {
            s.append(String.format(Locale.ROOT, "architecture alternative (%s): output moves by %s%n", r.architecture.alternative(), fmt(r.architecture.alternativeEffect())));
        }
        if (r.precision != null && r.precision.totalOverflow() > 0) {
            s.append("precision: ").append(r.precision.totalOverflow()).append(" activations beyond the ")
                    .append(r.precision.emulated().split(" ")[0]).append(" range\n");
        }
        if (r.finalOutput != null) {
            s.append("final mel rel. difference: ").append(fmt(r.finalOutput.melRelDiff()));
            if (r.finalOutput.audioSnrDb() != null) {
                s.append(String.format(Locale.ROOT, "; audio SNR of inference against trainer %.1f dB (%s, %s)",
                        r.finalOutput.audioSnrDb(), r.finalOutput.trainWav(), r.finalOutput.inferWav()));
            }
            s.append('\n');
        }
        return s.toString().stripTrailing();
    }

    public static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3e", v) : "non-finite";
    }

}

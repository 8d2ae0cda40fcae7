package f5j.audit;

import f5j.audit.AuditReport.Cause;
import f5j.audit.AuditReport.ConditioningStage;
import f5j.audit.AuditReport.FactorEffect;
import f5j.audit.AuditReport.TensorDrift;
import f5j.audit.AuditReport.TokenRow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Conclusions drawn from the measured stages: the token table, the ranked causes, the first divergence. */
public final class Findings {
    /** Relative error (max|a-b| / max|b|) below which two layers count as the same: the goldens' tolerance. */
    public static final double TOL = 1e-4;

    private Findings() {}

    public static AuditReport.TokensStage tokensStage(String trainText, String inferText, List<String> train, List<String> infer,
                                               long[] trainIds, long[] inferIds) {
        Set<String> unknown = new LinkedHashSet<>();
        for (int i = 0; i < infer.size(); i++) if (inferIds[i] == 0 && !infer.get(i).equals(" ")) unknown.add(infer.get(i));
        for (int i = 0; i < train.size(); i++) if (trainIds[i] == 0 && !train.get(i).equals(" ")) unknown.add(train.get(i));
        long spacesInText = inferText.codePoints().filter(c -> c == ' ').count();
        long spacesInTokens = infer.stream().filter(" "::equals).count();
        List<TokenRow> rows = new ArrayList<>();
        for (int i = 0; i < Math.max(train.size(), infer.size()); i++) {
            String a = i < train.size() ? train.get(i) : null, b = i < infer.size() ? infer.get(i) : null;
            long ia = i < trainIds.length ? trainIds[i] : -1, ib = i < inferIds.length ? inferIds[i] : -1;
            rows.add(new TokenRow(i, a, ia, b, ib, ia == ib && Objects.equals(a, b)));
        }
        return new AuditReport.TokensStage(trainText, inferText, train, infer, trainIds, inferIds, List.copyOf(unknown),
                (int) Math.max(0, spacesInTokens - spacesInText), Arrays.equals(trainIds, inferIds), rows);
    }

    /** Causes ranked by effect, largest first; a non-finite output counts as the largest effect. */
    public static void rankCauses(AuditReport r) {
        List<Cause> c = new ArrayList<>();
        for (FactorEffect f : r.factors) c.add(new Cause(f.factor(), f.effect(), f.detail()));
        c.sort(Comparator.comparingDouble((Cause x) -> Double.isNaN(x.effect()) ? Double.POSITIVE_INFINITY : x.effect()).reversed());
        r.causes.clear();
        r.causes.addAll(c);
    }

    public static AuditReport.Divergence firstDivergence(AuditReport r, long[] trainIds, long[] inferIds) {
        if (r.weights != null && r.weights.onlineAvailable() && r.weights.maxRelDiff() > 0) {
            String first = r.weights.drift().stream().filter(d -> d.relDiff() > 0).map(TensorDrift::name).findFirst().orElse(null);
            return new AuditReport.Divergence("weights", first);
        }
        if (!Arrays.equals(trainIds, inferIds)) {
            int i = 0;
            while (i < Math.min(trainIds.length, inferIds.length) && trainIds[i] == inferIds[i]) i++;
            return new AuditReport.Divergence("tokens", "position " + i);
        }
        ConditioningStage c = r.conditioning;
        if (c != null && (c.refMelRelDiff() > TOL || c.trainRefFrames() != c.inferRefFrames())) return new AuditReport.Divergence("conditioning", "reference mel");
        if (c != null && c.trainDuration() != c.inferDuration()) return new AuditReport.Divergence("conditioning", "duration");
        String layer = LayerCompare.firstOver(r.layers, TOL);
        if (layer != null) return new AuditReport.Divergence("dit", layer);
        if (r.finalOutput != null && !(r.finalOutput.melRelDiff() <= TOL)) return new AuditReport.Divergence("final", "mel");
        return new AuditReport.Divergence("none", null);
    }

}

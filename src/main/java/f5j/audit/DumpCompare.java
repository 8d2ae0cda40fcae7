package f5j.audit;

import f5j.audit.AuditReport.LayerDiff;
import f5j.compute.Backend;
import f5j.config.DitArch;
import f5j.dit.DiT;
import f5j.golden.GoldenFile;
import f5j.sampler.CfmSampler;
import f5j.sampler.SampleResult;
import f5j.sampler.SampleSettings;
import f5j.tensor.Tensor;
import f5j.trace.Trace;
import f5j.util.F5jException;
import f5j.weights.RawTensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lines up a PyTorch recording (tools/dump_activations.py, or any golden of kind dit_forward / cfm_sample)
 * with the same call in f5j, layer by layer, and names the first layer over tolerance.
 */
public final class DumpCompare {
    private DumpCompare() {}

    /** The recorded tensors (act/ and out/) next to f5j's, keyed by the dump's names without the prefix. */
    public record Result(String kind, List<LayerDiff> layers, String firstOverTolerance, double tolerance) {}

    public static Result compare(GoldenFile dump, Map<String, RawTensor> sd, DitArch arch, Backend backend, double tol) {
        String kind = dump.kind();
        if (kind == null) throw new F5jException(dump.path() + ": no 'kind' in the metadata: not a golden/dump file");
        DiT dit = DiT.load(sd, arch, backend);
        Trace trace = Trace.all();
        Map<String, Tensor> mine = new LinkedHashMap<>();
        switch (kind) {
            case "dit_forward" -> {
                Tensor x = dump.input("x"), cond = dump.input("cond");
                long[] flat = dump.raw("inputs/text").toLongs();
                int b = x.dim(0), nt = flat.length / b;
                long[][] text = new long[b][nt];
                for (int i = 0; i < b; i++) System.arraycopy(flat, i * nt, text[i], 0, nt);
                float[] time = dump.input("time").data;
                boolean[][] mask = null;
                if (dump.has("inputs/mask")) {
                    boolean[] m = dump.raw("inputs/mask").toBools();
                    int n = x.dim(1);
                    mask = new boolean[b][n];
                    for (int i = 0; i < b; i++) System.arraycopy(m, i * n, mask[i], 0, n);
                }
                boolean cfg = "true".equals(dump.meta("cfg_infer"));
                Tensor pred = dit.forward(x, cond, text, time, mask, false, false, cfg, trace);
                mine.put("out/pred", pred);
            }
            case "cfm_sample" -> {
                int steps = Integer.parseInt(dump.requireMeta("steps"));
                double cfg = Double.parseDouble(dump.requireMeta("cfg_strength"));
                String sway = dump.meta("sway_sampling_coef");
                Double swayCoef = sway == null || sway.equals("None") || sway.equals("null") ? null : Double.valueOf(sway);
                String method = dump.meta("method") == null ? "euler" : dump.meta("method");
                long seed = Long.parseLong(dump.requireMeta("seed"));
                Tensor y0 = dump.input("y0");
                int duration = y0.dim(0);
                Tensor cond = dump.input("cond");
                long[] ids = dump.raw("inputs/text").toLongs();
                SampleSettings ss = new SampleSettings(steps, cfg, swayCoef, method, seed, y0);
                SampleResult r = new CfmSampler(dit).sample(cond, ids, duration, ss, trace);
                mine.put("out/trajectory", r.trajectory());
                mine.put("out/mel", r.mel());
            }
            default -> throw new F5jException(dump.path() + ": kind '" + kind + "' is not a DiT recording (dit_forward or cfm_sample)");
        }
        for (Map.Entry<String, Tensor> e : trace.recorded().entrySet()) mine.put("act/" + e.getKey(), e.getValue());
        Map<String, Tensor> theirs = new LinkedHashMap<>();
        // act/ in the dump's (PyTorch's call) order, then the outputs; a layer f5j did not record counts as divergent
        for (String name : dump.expectedNames()) if (name.startsWith("act/")) theirs.put(name, dump.tensor(name));
        for (String name : dump.expectedNames()) if (name.startsWith("out/")) theirs.put(name, dump.tensor(name));
        List<LayerDiff> diffs = new java.util.ArrayList<>();
        for (Map.Entry<String, Tensor> e : theirs.entrySet()) {
            Tensor m = mine.get(e.getKey());
            if (m == null) {
                diffs.add(new LayerDiff(e.getKey(), Double.POSITIVE_INFINITY, Double.NaN));
            } else if (!java.util.Arrays.equals(m.shape, e.getValue().shape)) {
                if (m.numel() == e.getValue().numel()) {
                    Tensor mv = m.view(e.getValue().shape);
                    diffs.add(new LayerDiff(e.getKey(), LayerCompare.relError(mv, e.getValue()), LayerCompare.maxAbsDiff(mv, e.getValue())));
                } else {
                    diffs.add(new LayerDiff(e.getKey(), Double.POSITIVE_INFINITY, Double.NaN));
                }
            } else {
                diffs.add(new LayerDiff(e.getKey(), LayerCompare.relError(m, e.getValue()), LayerCompare.maxAbsDiff(m, e.getValue())));
            }
        }
        return new Result(kind, diffs, LayerCompare.firstOver(diffs, tol), tol);
    }
}

package f5j.golden;

import com.google.gson.JsonElement;
import f5j.dit.DiT;
import f5j.sampler.CfmSampler;
import f5j.sampler.SampleResult;
import f5j.sampler.SampleSettings;
import f5j.sampler.TimeGrid;
import f5j.sampler.TorchRandom;
import f5j.tensor.Tensor;
import f5j.trace.Trace;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code cfm_sample} goldens: {@code CFM.sample} with the recorded settings and seed. The start noise
 * drawn from the seed must equal {@code inputs/y0} and the time grid {@code inputs/t} exactly; the
 * trajectory and mel are compared within 1e-3, the first function evaluation's module outputs within 1e-4.
 */
public final class CfmSampleKind implements GoldenKind {
    static final double TOL_TRAJECTORY = 1e-3, TOL_ACT = 1e-4;

    private final GoldenModel models;

    /** {@code models}: the verifier's cache of the DiTs the goldens name. */
    CfmSampleKind(GoldenModel models) { this.models = models; }

    @Override public String kind() { return "cfm_sample"; }

    @Override
    public void verify(GoldenFile g, VerifyOptions options, GoldenReport report) {
        DiT dit = models.load(g, options);
        GoldenModel.notePrecision(g, report);
        Tensor cond = g.input("cond");
        long[] text = g.raw("inputs/text").toLongs();
        JsonElement sway = g.metaJson("sway_sampling_coef");
        SampleSettings s = new SampleSettings(Integer.parseInt(g.requireMeta("steps")),
                Double.parseDouble(g.requireMeta("cfg_strength")),
                sway == null || sway.isJsonNull() ? null : sway.getAsDouble(), g.requireMeta("method"),
                Long.parseLong(g.requireMeta("seed")), null);
        int duration = Integer.parseInt(g.requireMeta("duration"));

        Tensor y0 = g.input("y0");
        float[] noise = new TorchRandom(s.seed()).randn(y0.numel());
        report.compare("inputs/y0", g.raw("inputs/y0"), new Tensor(noise, y0.shape), options.tol(0));
        report.compare("inputs/t", g.raw("inputs/t"), new Tensor(TimeGrid.of(s.steps(), s.swaySamplingCoef()),
                s.steps() + 1), options.tol(0));

        Trace trace = Trace.all();
        SampleResult r = new CfmSampler(dit).sample(cond, text, duration, s, trace);
        Map<String, Tensor> produced = new LinkedHashMap<>();
        produced.put("out/trajectory", r.trajectory());
        produced.put("out/mel", r.mel());
        trace.recorded().forEach((k, v) -> produced.put("act/" + k, v));
        report.compareAll(g, produced, name -> options.tol(name.startsWith("act/") ? TOL_ACT : TOL_TRAJECTORY));
    }
}

package f5j.golden;

import f5j.sampler.TorchRandom;
import f5j.tensor.Tensor;
import f5j.util.F5jException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code rng} goldens: {@code out/randn_seed{S}_n{N}} = torch.manual_seed(S); torch.randn(N, 100), bit for bit. */
public final class RngKind implements GoldenKind {
    private static final Pattern NAME = Pattern.compile("out/randn_seed(\\d+)_n(\\d+)");

    @Override public String kind() { return "rng"; }

    @Override
    public void verify(GoldenFile g, VerifyOptions options, GoldenReport report) {
        for (String name : g.expectedNames()) {
            Matcher m = NAME.matcher(name);
            if (!m.matches()) throw new F5jException(g.path() + ": unexpected tensor " + name + " in an rng golden");
            Tensor want = g.tensor(name);
            float[] got = new TorchRandom(Long.parseLong(m.group(1))).randn(want.numel());
            report.compare(name, g.raw(name), new Tensor(got, want.shape), options.tol(0));
        }
    }
}

package f5j.golden;

import f5j.tensor.Tensor;
import f5j.trace.Trace;
import f5j.vocoder.Vocos;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Golden kind {@code vocos}: {@code out/features = feature_extractor(inputs/wav24k)},
 * {@code out/audio = decode(features)} with every submodule output ({@code act/*}). Features and
 * activations at 1e-4; audio at 1e-3 relative, or passing anyway with an SNR of at least 60 dB.
 * The model is the folder named by the {@code model} metadata (relative to the golden) unless
 * {@code --vocoder} overrides it.
 */
public final class VocosKind implements GoldenKind {
    static final double AUDIO_TOL = 1e-3, AUDIO_MIN_SNR_DB = 60;

    @Override public String kind() { return "vocos"; }

    @Override
    public void verify(GoldenFile g, VerifyOptions options, GoldenReport report) {
        Path dir = options.vocoder() != null ? options.vocoder() : g.dir().resolve(g.meta("model") == null ? "." : g.meta("model"));
        Vocos vocos = Vocos.load(dir, options.backend());
        Map<String, Tensor> out = new HashMap<>();
        Tensor features = vocos.features(g.input("wav24k"));
        out.put("out/features", features);
        Trace trace = Trace.all();
        // decode the golden's features, so each layer is checked on its own inputs
        Tensor audio = vocos.decode(g.tensor("out/features"), trace);
        out.put("out/audio", audio);
        trace.recorded().forEach((k, v) -> out.put("act/" + k, v));

        for (String name : g.expectedNames()) {
            if (!name.equals("out/audio")) {
                report.compare(name, g.raw(name), out.get(name), options.tol(1e-4));
                continue;
            }
            double tol = options.tol(AUDIO_TOL);
            Check c = report.compare(name, g.raw(name), audio, tol);
            if (!c.passed() && c.note().equals("over tolerance")) {
                double snr = Metrics.snrDb(audio.data, g.raw(name).toFloats());
                if (snr >= AUDIO_MIN_SNR_DB) {
                    report.checks().remove(c);
                    report.add(new Check(c.name(), c.shape(), c.maxAbs(), c.rel(), tol, Check.Status.PASS,
                            String.format("SNR %.1f dB >= %.0f", snr, AUDIO_MIN_SNR_DB)));
                }
            }
        }
    }
}

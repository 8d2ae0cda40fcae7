package f5j.golden;

import f5j.audio.Audio;
import f5j.audio.MelSpectrogram;
import f5j.audio.Resampler;
import f5j.audio.WavFile;
import f5j.config.MelSpecConfig;
import f5j.tensor.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Golden kind {@code frontend}: F5's MelSpec (vocos and bigvgan, default parameters) of {@code wav24k}
 * and torchaudio Resample 44.1k->24k (mono mix) and 16k->24k, at 1e-4. When the source WAVs lie beside
 * the golden (audio/*.wav), also checks that reading them gives the golden's input tensors exactly.
 */
public final class FrontendKind implements GoldenKind {
    /** Input tensor, and the WAV beside the golden it was read from. */
    private record Source(String input, String wav) {}

    private static final List<Source> SOURCES = List.of(new Source("wav24k", "audio/ref_24k_mono.wav"),
            new Source("wav44k1_stereo", "audio/ref_44k1_stereo.wav"), new Source("wav16k", "audio/ref_16k_mono.wav"));

    @Override public String kind() { return "frontend"; }

    @Override
    public void verify(GoldenFile g, VerifyOptions options, GoldenReport report) {
        for (Source e : SOURCES) {
            Path wav = g.dir().resolve(e.wav());
            String name = "inputs/" + e.input();
            if (!g.has(name) || !Files.isRegularFile(wav)) continue;
            Audio a = WavFile.read(wav);
            int c = a.channelCount(), n = a.frames();
            float[] flat = new float[c * n];
            for (int i = 0; i < c; i++) System.arraycopy(a.channels()[i], 0, flat, i * n, n);
            report.compare(name + " (read " + e.wav() + ")", g.raw(name), new Tensor(flat, c, n), 0.0);
        }

        float[] wav24k = g.input("wav24k").data;
        Map<String, Tensor> out = new HashMap<>();
        out.put("out/mel_vocos", new MelSpectrogram(MelSpecConfig.DEFAULT).compute(wav24k));
        MelSpecConfig big = new MelSpecConfig(24000, 100, 256, 1024, 1024, "bigvgan");
        out.put("out/mel_bigvgan", new MelSpectrogram(big).compute(wav24k));

        Tensor stereo = g.input("wav44k1_stereo");
        int n = stereo.dim(1);
        float[][] ch = new float[stereo.dim(0)][];
        for (int i = 0; i < ch.length; i++) ch[i] = java.util.Arrays.copyOfRange(stereo.data, i * n, (i + 1) * n);
        float[] mono = new Audio(ch, 44100).mono();
        float[] r44 = Resampler.resample(mono, 44100, 24000);
        out.put("out/resample_44k1_to_24k", new Tensor(r44, 1, r44.length));
        float[] r16 = Resampler.resample(g.input("wav16k").data, 16000, 24000);
        out.put("out/resample_16k_to_24k", new Tensor(r16, 1, r16.length));

        report.compareAll(g, out, name -> options.tol(1e-4));
    }
}

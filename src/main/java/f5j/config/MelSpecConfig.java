package f5j.config;

import java.util.Map;

/** Upstream {@code model.mel_spec}: how reference audio becomes mel frames. */
public record MelSpecConfig(int sampleRate, int nMels, int hopLength, int winLength, int nFft, String melSpecType) {
    public static final MelSpecConfig DEFAULT = new MelSpecConfig(24000, 100, 256, 1024, 1024, "vocos");

    /** Range-checked: rates of 1 kHz to 384 kHz, windows up to 2^16 samples, hop and window within n_fft. */
    static MelSpecConfig fromMap(Map<String, Object> m, String source) {
        ConfigValues v = new ConfigValues(m, source, "model.mel_spec");
        int nFft = v.integer("n_fft", 1024, 2, 65536);
        MelSpecConfig c = new MelSpecConfig(v.integer("target_sample_rate", 24000, 1000, 384000), v.integer("n_mel_channels", 100, 1, 1024),
                v.integer("hop_length", 256, 1, nFft), v.integer("win_length", 1024, 1, nFft), nFft,
                v.string("mel_spec_type", "vocos", "vocos", "bigvgan"));
        return c;
    }

    String toYaml(String ind) {
        return ind + "target_sample_rate: " + sampleRate + "\n" + ind + "n_mel_channels: " + nMels + "\n"
                + ind + "hop_length: " + hopLength + "\n" + ind + "win_length: " + winLength + "\n"
                + ind + "n_fft: " + nFft + "\n" + ind + "mel_spec_type: " + melSpecType + "\n";
    }
}

package f5j.config;

import java.util.Map;

/** Upstream {@code model.mel_spec}: how reference audio becomes mel frames. */
public record MelSpecConfig(int sampleRate, int nMels, int hopLength, int winLength, int nFft, String melSpecType) {
    public static final MelSpecConfig DEFAULT = new MelSpecConfig(24000, 100, 256, 1024, 1024, "vocos");

    static MelSpecConfig fromMap(Map<String, Object> m) {
        return new MelSpecConfig(i(m, "target_sample_rate", 24000), i(m, "n_mel_channels", 100), i(m, "hop_length", 256),
                i(m, "win_length", 1024), i(m, "n_fft", 1024), String.valueOf(m.getOrDefault("mel_spec_type", "vocos")));
    }

    String toYaml(String ind) {
        return ind + "target_sample_rate: " + sampleRate + "\n" + ind + "n_mel_channels: " + nMels + "\n"
                + ind + "hop_length: " + hopLength + "\n" + ind + "win_length: " + winLength + "\n"
                + ind + "n_fft: " + nFft + "\n" + ind + "mel_spec_type: " + melSpecType + "\n";
    }

    private static int i(Map<String, Object> m, String k, int d) {
        Object v = m.get(k);
        return v instanceof Number n ? n.intValue() : d;
    }
}

package f5j.audio;

import f5j.config.MelSpecConfig;
import f5j.tensor.Tensor;

/**
 * Log-mel spectrograms.
 *
 * <p>{@link #MelSpectrogram(MelSpecConfig)} is F5-TTS' {@code MelSpec}:
 * <ul>
 * <li>{@code vocos}: torchaudio MelSpectrogram (centred reflect padding, periodic Hann, magnitude, HTK
 * mel, no norm), then {@code log(clamp(x, 1e-5))};</li>
 * <li>{@code bigvgan}: reflect padding of {@code (n_fft - hop) / 2} each side, uncentred STFT,
 * {@code sqrt(re^2 + im^2 + 1e-9)}, Slaney mel scale and area norm (librosa's default basis), then
 * {@code log(clamp(x, 1e-5))}.</li>
 * </ul>
 * {@link #vocosFeatures} is Vocos' own {@code MelSpectrogramFeatures}, which differs in its log floor
 * (1e-7) and in its "same" padding mode.
 */
public final class MelSpectrogram {
    private final int nFft, hop, nMels, sidePad;
    private final boolean center;
    private final float magnitudeEps;
    private final float logFloor;
    private final float[] window;
    private final float[][] fb; // [nFft/2+1][nMels]

    private MelSpectrogram(int sampleRate, int nFft, int winLength, int hop, int nMels, boolean center, int sidePad,
                           double magnitudeEps, boolean slaney, float logFloor, float[] window, float[] fbFlat) {
        if (nFft <= 0 || hop <= 0 || nMels <= 0 || winLength <= 0 || winLength > nFft) {
            throw new IllegalArgumentException("bad mel parameters: n_fft " + nFft + ", win " + winLength + ", hop "
                    + hop + ", n_mels " + nMels);
        }
        this.nFft = nFft;
        this.hop = hop;
        this.nMels = nMels;
        this.center = center;
        this.sidePad = sidePad;
        this.magnitudeEps = (float) magnitudeEps;
        this.logFloor = logFloor;
        this.window = Stft.padWindow(window != null ? window : Stft.hannPeriodic(winLength), nFft);
        int bins = nFft / 2 + 1;
        if (fbFlat == null) {
            this.fb = MelFilterbank.create(bins, 0.0, sampleRate / 2.0, nMels, sampleRate, slaney, slaney);
        } else {
            this.fb = new float[bins][];
            for (int k = 0; k < bins; k++) fb[k] = java.util.Arrays.copyOfRange(fbFlat, k * nMels, (k + 1) * nMels);
        }
    }

    /** F5-TTS' MelSpec with the model's mel settings ({@code vocos} or {@code bigvgan}). */
    public MelSpectrogram(MelSpecConfig c) {
        this(c.sampleRate(), c.nFft(), c.winLength(), c.hopLength(), c.nMels(), isVocos(c),
                isVocos(c) ? 0 : (c.nFft() - c.hopLength()) / 2, isVocos(c) ? 0 : 1e-9, !isVocos(c), 1e-5f, null, null);
    }

    private static boolean isVocos(MelSpecConfig c) {
        return switch (c.melSpecType()) {
            case "vocos" -> true;
            case "bigvgan" -> false;
            default -> throw new IllegalArgumentException("mel_spec_type must be vocos or bigvgan, got " + c.melSpecType());
        };
    }

    /**
     * Vocos' {@code MelSpectrogramFeatures(sample_rate, n_fft, hop_length, n_mels, padding)}: win = n_fft,
     * HTK mel, magnitude; {@code padding} "center" centres the frames, "same" reflect-pads
     * {@code (n_fft - hop) / 2} each side without centring; then {@code log(clip(x, 1e-7))}. The window
     * ({@code nFft}) and mel basis ({@code (nFft/2+1) x nMels}, row-major) are those stored in a Vocos
     * checkpoint; null ones are computed.
     */
    public static MelSpectrogram vocosFeatures(int sampleRate, int nFft, int hop, int nMels, String padding,
                                               float[] window, float[] fb) {
        boolean c = switch (padding) {
            case "center" -> true;
            case "same" -> false;
            default -> throw new IllegalArgumentException("padding must be center or same, got " + padding);
        };
        return new MelSpectrogram(sampleRate, nFft, nFft, hop, nMels, c, c ? 0 : (nFft - hop) / 2, 0, false, 1e-7f, window, fb);
    }

    /** Frames produced for {@code samples} input samples. */
    public int frames(int samples) {
        int len = samples + 2 * sidePad + (center ? 2 * (nFft / 2) : 0);
        return Stft.frames(len, nFft, hop);
    }

    /** The log-mel spectrogram of one waveform: {@code 1 x nMels x frames}. */
    public Tensor compute(float[] wav) {
        float[] x = wav;
        if (sidePad > 0) x = Stft.reflectPad(x, sidePad, sidePad);
        if (center) x = Stft.reflectPad(x, nFft / 2, nFft / 2);
        Stft.Spectrum s = Stft.forward(x, nFft, hop, window);
        int frames = s.frames(), bins = nFft / 2 + 1;
        float[] out = new float[nMels * frames];
        float[] mag = new float[bins];
        for (int t = 0; t < frames; t++) {
            double[] re = s.re()[t], im = s.im()[t];
            for (int k = 0; k < bins; k++) {
                float r = (float) re[k], i = (float) im[k];
                // float32 as torch: |z| (hypot) for torchaudio, sqrt(re^2 + im^2 + eps) for bigvgan
                mag[k] = magnitudeEps == 0 ? (float) Math.hypot(r, i) : (float) Math.sqrt(r * r + i * i + magnitudeEps);
            }
            for (int m = 0; m < nMels; m++) {
                double acc = 0;
                for (int k = 0; k < bins; k++) acc += (double) mag[k] * fb[k][m];
                out[m * frames + t] = (float) Math.log(Math.max((float) acc, logFloor));
            }
        }
        return new Tensor(out, 1, nMels, frames);
    }

    /** Log-mels of a batch of equal-length waveforms ({@code b x samples}): {@code b x nMels x frames}. */
    public Tensor compute(Tensor wavs) {
        if (wavs.rank() == 1) return compute(wavs.data);
        int b = wavs.dim(0), n = wavs.dim(-1);
        int frames = frames(n);
        float[] out = new float[b * nMels * frames];
        for (int i = 0; i < b; i++) {
            float[] row = java.util.Arrays.copyOfRange(wavs.data, i * n, (i + 1) * n);
            System.arraycopy(compute(row).data, 0, out, i * nMels * frames, nMels * frames);
        }
        return new Tensor(out, b, nMels, frames);
    }
}

package f5j.cli;

import f5j.audio.Audio;
import f5j.audio.Resampler;
import f5j.audio.WavFile;
import f5j.tensor.Tensor;
import f5j.trace.Trace;
import f5j.util.F5jException;
import f5j.vocoder.Vocos;
import f5j.weights.RawTensor;
import f5j.weights.SafeTensors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "vocode", mixinStandardHelpOptions = true,
        description = {"Turn a mel spectrogram into audio with Vocos, or copy-synthesize a WAV "
                + "(WAV -> Vocos features -> Vocos -> WAV).",
                "An audio input is mixed to mono and resampled to the vocoder's rate first. A mel input is a "
                        + "safetensors file holding one tensor of shape 1 x n_mels x frames or n_mels x frames "
                        + "(frames x n_mels layouts are transposed)."})
final class VocodeCommand implements Callable<Integer> {
    @Option(names = "--vocoder", required = true, paramLabel = "DIR",
            description = "Vocos folder: config.yaml + pytorch_model.bin (e.g. charactr/vocos-mel-24khz)")
    Path vocoder;
    @Option(names = "--in", required = true, paramLabel = "FILE", description = "input audio (.wav, .flac, .mp3, .ogg) or a mel .safetensors")
    Path in;
    @Option(names = "--out", required = true, paramLabel = "FILE", description = "output .wav or .flac (16-bit PCM), or - for WAV on stdout")
    Path out;
    @Option(names = "--tensor", paramLabel = "NAME",
            description = "which tensor of a mel .safetensors file holding several (e.g. out/features)")
    String tensorName;
    @Option(names = "--float", description = "write 32-bit float samples instead of 16-bit PCM") boolean asFloat;
    @Mixin BackendOption backend;

    @Override
    public Integer call() {
        Outputs.requireAudioExtension("--out", out);
        Outputs.requireNotAnInput("--out", out, in, vocoder.resolve("pytorch_model.bin"), vocoder.resolve("config.yaml"));
        Outputs.requireWritable("--out", out);
        // the results are the lines below, on stdout, unless stdout carries the audio itself
        java.io.PrintStream report = Outputs.isStdout(out) ? System.err : System.out;
        Vocos vocos = Vocos.load(vocoder, backend.backend());
        int rate = vocos.sampleRate(), nMels = vocos.config().inputChannels();
        Tensor mel;
        String name = in.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            mel = readMel(nMels);
            // the same bound as audio input (WavFile.MAX_SECONDS): the decoded wave is what takes the memory
            long maxFrames = (long) WavFile.MAX_SECONDS * rate / vocos.config().hopLength();
            if (mel.dim(2) > maxFrames) {
                throw new F5jException(in + ": " + mel.dim(2) + " mel frames are " + String.format(Locale.ROOT, "%.1f",
                        mel.dim(2) * (double) vocos.config().hopLength() / rate) + " s of audio; f5j vocodes at most "
                        + WavFile.MAX_SECONDS + " s (" + maxFrames + " frames) at a time: split it first");
            }
        } else {
            Audio a = f5j.audio.AudioFiles.read(in); // WAV, FLAC, MP3 or Ogg Vorbis
            float[] mono = a.mono();
            float[] wav = Resampler.resample(mono, a.sampleRate(), rate);
            int minSamples = vocos.config().nFft() / 2 + 1;
            if (wav.length < minSamples) {
                throw new F5jException(in + ": too short to vocode (" + wav.length + " samples at " + rate
                        + " Hz, need at least " + minSamples + ")");
            }
            report.printf(Locale.ROOT, "%s: %.2f s, %d Hz, %d channel(s)%s%s%n", in, a.frames() / (double) a.sampleRate(),
                    a.sampleRate(), a.channelCount(), a.channelCount() > 1 ? ", mixed to mono" : "",
                    a.sampleRate() != rate ? ", resampled to " + rate + " Hz" : "");
            mel = vocos.features(new Tensor(wav, 1, wav.length));
        }
        Tensor audio = vocos.decode(mel, Trace.OFF);
        float[] samples = audio.data;
        int clipped = 0;
        for (float v : samples) if (Math.abs(v) > 1f) clipped++;
        SynthRun.writeAudio(out, new Audio(new float[][] {samples}, rate), asFloat ? WavFile.Format.FLOAT_32 : WavFile.Format.PCM_16);
        report.printf(Locale.ROOT, "%d mel frames -> %s: %.2f s at %d Hz, %s%s%n", mel.dim(2), out,
                samples.length / (double) rate, rate, asFloat ? "32-bit float" : "16-bit PCM",
                clipped > 0 && !asFloat ? " (" + clipped + " samples beyond [-1, 1] clipped)" : "");
        return 0;
    }

    /** The mel tensor of the input file as {@code 1 x nMels x frames}. */
    private Tensor readMel(int nMels) {
        try (SafeTensors st = SafeTensors.open(in)) {
            RawTensor raw;
            if (tensorName != null) {
                if (!st.has(tensorName)) throw new F5jException(in + ": no tensor named " + tensorName + " (has " + st.names() + ")");
                raw = st.get(tensorName);
            } else if (st.names().size() == 1) {
                raw = st.tensors().iterator().next();
            } else {
                throw new F5jException(in + ": holds " + st.names().size() + " tensors; pick the mel with --tensor NAME ("
                        + String.join(", ", st.names().stream().limit(8).toList()) + (st.names().size() > 8 ? ", ..." : "") + ")");
            }
            Tensor t = raw.toTensor();
            if (t.rank() == 2) t = t.view(1, t.dim(0), t.dim(1));
            boolean ok = t.rank() == 3 && t.dim(0) == 1;
            if (ok && t.dim(1) != nMels && t.dim(2) == nMels) t = t.transposeLast2();
            if (!ok || t.dim(1) != nMels) {
                throw new F5jException(in + ": tensor " + raw.name() + " has shape " + raw.shapeString() + "; expected "
                        + nMels + " x frames or 1 x " + nMels + " x frames (the vocoder's n_mels is " + nMels + ")");
            }
            if (t.dim(2) < 2) throw new F5jException(in + ": tensor " + raw.name() + " has " + t.dim(2) + " frame(s); need at least 2");
            return t;
        }
    }
}

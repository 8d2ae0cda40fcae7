package f5j.cli;

import f5j.infer.SynthSettings;
import f5j.infer.VoiceScript;
import f5j.util.F5jException;
import f5j.util.InputFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

@Command(name = "synth", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Speak TEXT in the voice of a reference clip (upstream infer_process / f5-tts_infer-cli).",
                "The reference is trimmed to at most 12 s as upstream does; long text is cut into chunks that are "
                        + "joined with cross-fades. Chunk i is sampled with seed SEED + i.",
                "-c FILE.toml reads upstream infer_cli's config layout ([voices.NAME] tables and [NAME] tags in the "
                        + "text for several voices); options on the command line override the file."},
        footer = {"", "Results (the written path) go to stdout; progress and diagnostics to stderr."})
final class SynthCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, paramLabel = "TOML", description = "upstream infer_cli config file; relative paths in it are from its folder") Path config;
    @Option(names = {"-m", "--model"}, paramLabel = "DIR|FILE", description = "model folder (model.safetensors + model.yaml + "
            + "vocab.txt), or a checkpoint file (model_N.pt, pruned .pt, .safetensors) converted in memory "
            + "(default: the bundled weights/f5tts-tiny-v1, random weights)") Path model;
    @Option(names = {"-p", "--ckpt-file"}, paramLabel = "FILE", description = "checkpoint file; then --model may name a preset, as upstream's -m") Path ckptFile;
    @Option(names = "--model-cfg", paramLabel = "YAML", description = "architecture of a checkpoint file (upstream config layout; default: model.yaml beside it)") Path modelCfg;
    @Option(names = "--preset", paramLabel = "NAME", description = "architecture of a checkpoint file from conf/: F5TTS_v1_Base, F5TTS_Base, F5TTS_v1_Small, F5TTS_Small") String preset;
    @Option(names = {"-v", "--vocab"}, paramLabel = "TXT", description = "vocab of a checkpoint file (default: vocab.txt beside it)") Path vocab;
    @Option(names = "--weights", paramLabel = "ema|online", description = "weights of a trainer checkpoint: EMA (default, as upstream use_ema) or online") String weights;
    @Option(names = "--vocoder", paramLabel = "DIR", description = "Vocos folder: config.yaml + pytorch_model.bin "
            + "(default: the bundled weights/vocos-tiny)") Path vocoder;
    @Option(names = {"-r", "--ref-audio"}, paramLabel = "AUDIO", description = "reference voice clip: WAV, MP3, FLAC or Ogg Vorbis") Path refAudio;
    @Option(names = {"-s", "--ref-text"}, paramLabel = "T", description = "the words spoken in the reference") String refText;
    @Option(names = {"-t", "--text", "--gen-text"}, paramLabel = "T", description = "text to speak; [NAME] switches to voice NAME of the config") String text;
    @Option(names = {"-f", "--text-file", "--gen-file"}, paramLabel = "F", description = "UTF-8 file with the text to speak (wins over --text, as upstream)") Path textFile;
    @Option(names = "--out", paramLabel = "FILE", description = "output .wav or .flac (24 kHz, 16-bit), or - for WAV on stdout; "
            + "default: OUTPUT_DIR/OUTPUT_FILE") Path out;
    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", description = "output folder (default: tests, as upstream)") Path outputDir;
    @Option(names = {"-w", "--output-file"}, paramLabel = "NAME", description = "output file name (default: infer_cli_YYYYmmdd_HHMMSS.wav)") String outputFile;
    @Option(names = "--save-chunk", description = "also write each voice segment to OUTPUT_DIR/<output stem>_chunks/<i>_<text>.wav") boolean saveChunk;
    @Option(names = "--no-legacy-text", description = "keep Unicode in --save-chunk file names (default: ASCII)") boolean noLegacyText;
    @Option(names = "--remove-silence", negatable = true, description = "remove silences of 1 s or more (under -50 dBFS) from the "
            + "output, as upstream's pydub-based removal; --no-remove-silence overrides a config's remove_silence = true") Boolean removeSilence;
    @Mixin SamplingOptions sampling;
    @Mixin SeedOption seed;
    @Mixin BackendOption backend;

    @Override
    public Integer call() {
        SynthRun.Job job = job();
        SynthRun.run(job, System.err);
        return 0;
    }

    /** The run as the options and the config file give it, every input and output checked; nothing loaded yet. */
    SynthRun.Job job() {
        TomlConfig c = config != null ? TomlConfig.load(config) : null;
        if (c != null) for (String k : c.ignored) System.err.println("note: " + config + ": key " + k + " is not used by f5j");
        if (c != null && c.has("vocoder_name") && !"vocos".equals(c.string("vocoder_name"))) {
            throw new F5jException(config + ": vocoder_name " + c.string("vocoder_name") + " is not supported (only vocos)");
        }
        SynthSettings settings = settings(c);
        Path modelArg = model != null ? model : c != null ? c.path("model") : null;
        if (model == null && c != null && c.string("model") != null && !looksLikePath(c.string("model"))) {
            modelArg = Path.of(c.string("model")); // upstream names a model (F5TTS_v1_Base): a preset with ckpt_file
        }
        Path ckpt = ckptFile != null ? ckptFile : c != null ? c.path("ckpt_file") : null;
        if (ckpt == null && modelArg != null && !looksLikePath(modelArg.toString()) && !modelArg.toFile().exists()) {
            throw new F5jException("--model " + modelArg + ": f5j does not download checkpoints; convert one "
                    + "(./f5j convert) and give its folder, or give the checkpoint file with --ckpt-file");
        }
        String w = weights != null ? weights : c != null && c.string("weights") != null ? c.string("weights") : "ema";
        ModelSource ms = ModelSource.of(modelArg, ckpt, modelCfg != null ? modelCfg : c != null ? c.path("model_cfg") : null,
                preset != null ? preset : c != null ? c.string("preset") : null,
                vocab != null ? vocab : c != null ? c.path("vocab_file") : null, ModelSource.weights(w));
        Path voc = vocoder != null ? vocoder : c != null && c.path("vocoder") != null ? c.path("vocoder") : SynthRun.bundledVocoder();
        SynthRun.requireDir(voc, "--vocoder", "config.yaml", "pytorch_model.bin");

        Map<String, SynthRun.Voice> voices = new LinkedHashMap<>();
        if (c != null) c.voices.forEach((k, v) -> voices.put(k, new SynthRun.Voice(v.refAudio(), v.refText(), v.speed())));
        Path ra = refAudio != null ? refAudio : c != null ? c.path("ref_audio") : null;
        String rt = refText != null ? refText : c != null ? c.string("ref_text") : null;
        if (ra == null) throw new F5jException("no reference audio: give --ref-audio (-r) or ref_audio in the config");
        if (rt == null) throw new F5jException("no reference text: give --ref-text (-s) or ref_text in the config");
        voices.put(VoiceScript.MAIN, new SynthRun.Voice(ra, rt, null)); // as upstream, the top-level voice is main

        Path tf = textFile != null ? textFile : text == null && c != null ? c.path("gen_file") : null;
        String t = tf != null ? readText(tf) : text != null ? text : c != null ? c.string("gen_text") : null;
        if (t == null) throw new F5jException("no text to speak: give --text (-t), --text-file (-f), or gen_text/gen_file in the config");

        Path dir = outputDir != null ? outputDir : c != null && c.path("output_dir") != null ? c.path("output_dir") : Path.of("tests");
        String name = outputFile != null ? outputFile : c != null && c.string("output_file") != null ? c.string("output_file")
                : "infer_cli_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")) + ".wav";
        Path o = out != null ? out : dir.resolve(name);
        String outOption = out != null ? "--out" : "--output-dir/--output-file";
        Outputs.requireAudioExtension(outOption, o);
        List<Path> inputs = new ArrayList<>(List.of(ms.inputs()));
        inputs.add(voc.resolve("pytorch_model.bin"));
        inputs.add(voc.resolve("config.yaml"));
        inputs.add(tf);
        inputs.add(config);
        voices.values().forEach(v -> inputs.add(v.refAudio()));
        Outputs.requireNotAnInput(outOption, o, inputs.toArray(Path[]::new));
        Outputs.requireWritable(outOption, o);

        boolean chunks = saveChunk || c != null && c.flag("save_chunk");
        boolean legacy = !(noLegacyText || c != null && c.flag("no_legacy_text"));
        Path chunkDir = null;
        if (chunks) {
            if (Outputs.isStdout(o)) throw new F5jException("--save-chunk needs an output file (not --out -) to name the chunk folder");
            String stem = o.getFileName().toString().replaceFirst("\\.[^.]*$", "");
            chunkDir = (o.getParent() != null ? o.getParent() : Path.of("")).resolve(stem + "_chunks");
            Outputs.requireWritableDir("--save-chunk", chunkDir, chunkDir);
            if (legacy) System.err.println("note: --save-chunk file names are ASCII transliterations; --no-legacy-text keeps Unicode");
        }
        boolean rs = removeSilence != null ? removeSilence : c != null && c.flag("remove_silence");
        long sd = seed.seed != null ? seed.seed : c != null && c.seed() != null ? c.seed()
                : ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE);
        return new SynthRun.Job(ms, voc, voices, t, sd, settings, backend.backend(), o, rs, chunkDir, legacy);
    }

    /** The sampling options: a flag typed on the command line, else the config's value, else the default. */
    private SynthSettings settings(TomlConfig c) {
        SynthSettings s = sampling.settings();
        if (c == null) return s;
        return new SynthSettings(
                pick("--nfe", s.nfe(), c.integer("nfe_step")),
                pick("--cfg", s.cfgStrength(), c.number("cfg_strength")),
                pick("--sway", s.swaySamplingCoef(), c.number("sway_sampling_coef")),
                pick("--speed", s.speed(), c.number("speed")),
                pick("--fix-duration", s.fixDuration(), c.number("fix_duration")),
                pick("--target-rms", s.targetRms(), c.number("target_rms")),
                pick("--cross-fade", s.crossFadeSeconds(), c.number("cross_fade_duration")),
                pick("--method", s.method(), c.string("method")));
    }

    private <T> T pick(String option, T flag, T file) { return sampling.given(option) || file == null ? flag : file; }

    private static boolean looksLikePath(String s) {
        return s.contains("/") || s.contains("\\") || s.endsWith(".pt") || s.endsWith(".safetensors") || s.startsWith(".");
    }

    static String readText(Path f) {
        byte[] b = InputFiles.readAllBytes(f);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new F5jException(f + ": not UTF-8 text (invalid bytes); save it as UTF-8");
        }
    }
}

package f5j.cli;

import f5j.infer.SynthSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.Map;

/**
 * The synthesis options every command that samples shares ({@code synth}, {@code demo}, {@code golden record}),
 * declared once. Defaults are upstream infer_cli's ({@link SynthSettings#defaults()}); ranges are
 * {@link SynthSettings}'s own, checked before any work.
 */
final class SamplingOptions {
    @Spec(Spec.Target.MIXEE) CommandSpec mixee;

    @Option(names = "--nfe", defaultValue = "32", paramLabel = "N",
            description = "ODE steps, 1 to " + SynthSettings.MAX_NFE + " (default ${DEFAULT-VALUE})") int nfe;
    @Option(names = "--cfg", defaultValue = "2", paramLabel = "X",
            description = "classifier-free guidance strength (default ${DEFAULT-VALUE})") double cfg;
    @Option(names = "--sway", defaultValue = "-1", paramLabel = "X",
            description = "sway sampling coefficient; -1 crowds steps at the start (default ${DEFAULT-VALUE})") double sway;
    @Option(names = "--speed", defaultValue = "1", paramLabel = "X",
            description = "speech speed factor, " + SynthSettings.MIN_SPEED + " to " + (int) SynthSettings.MAX_SPEED
                    + " (default ${DEFAULT-VALUE})") double speed;
    @Option(names = "--method", defaultValue = "euler", paramLabel = "euler|midpoint",
            description = "ODE solver (default ${DEFAULT-VALUE})") String method;
    @Option(names = "--cross-fade", defaultValue = "0.15", paramLabel = "S",
            description = "cross-fade between chunks in seconds (default ${DEFAULT-VALUE})") double crossFade;
    @Option(names = "--target-rms", defaultValue = "0.1", paramLabel = "X",
            description = "quieter references are raised to this rms (default ${DEFAULT-VALUE})") double targetRms;
    @Option(names = "--fix-duration", paramLabel = "S",
            description = "seconds of reference + generated audio per chunk, instead of the estimate") Double fixDuration;

    /** Upstream's config keys (infer_cli's .toml) and this mixin's options, by SynthSettings component. */
    static final Map<String, String> OPTIONS = Map.of("nfe", "--nfe", "cfgStrength", "--cfg", "swaySamplingCoef", "--sway",
            "speed", "--speed", "fixDuration", "--fix-duration", "targetRms", "--target-rms",
            "crossFadeSeconds", "--cross-fade", "method", "--method");

    static String optionFor(String setting) { return OPTIONS.get(setting); }

    /** The settings as given (validated: a bad value fails here, naming its option). */
    SynthSettings settings() {
        return new SynthSettings(nfe, cfg, sway, speed, fixDuration, targetRms, crossFade, method);
    }

    /** Whether the option was typed on the command line (so it overrides a config file). */
    boolean given(String option) {
        return mixee != null && mixee.commandLine() != null && mixee.commandLine().getParseResult() != null
                && mixee.commandLine().getParseResult().hasMatchedOption(option);
    }
}

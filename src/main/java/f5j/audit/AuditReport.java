package f5j.audit;

import f5j.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the audit found, stage by stage; serialised as report.json (snake_case keys) and rendered as
 * report.html. Relative errors are max|a-b| / max|b| (the goldens' measure) against the train path;
 * a non-finite output counts as an infinite error.
 */
public final class AuditReport {
    /** What was audited: files, texts, seed, settings. */
    public final Map<String, Object> inputs = new LinkedHashMap<>();
    public WeightsStage weights;
    public TokensStage tokens;
    public ConditioningStage conditioning;
    /** Each factor switched alone from the train path's value to the inference path's, at the first ODE step. */
    public final List<FactorEffect> factors = new ArrayList<>();
    /** What {@link #layers} compares. */
    public String comparison = "train vs inference";
    /** Train path vs inference path (all factors at once), layer by layer at the first ODE step. */
    public final List<LayerDiff> layers = new ArrayList<>();
    public PrecisionStage precision;
    public ArchitectureStage architecture;
    public FinalStage finalOutput;
    /** Factors ranked by effect, largest first. */
    public final List<Cause> causes = new ArrayList<>();
    public Divergence firstDivergence;
    /** Notes for the reader (skipped stages and why). */
    public final List<String> notes = new ArrayList<>();

    /** Mels for the pictures (not serialised): train and inference path, {@code 1 n 100}. */
    public transient Tensor trainMel, inferMel;
    /** The reference mels each path conditions on, {@code 1 n 100} (not serialised). */
    public transient Tensor trainRefMel, inferRefMel;
    /** The vocoded audio of both paths, when a vocoder was given (not serialised; written as WAV files). */
    public transient float[] trainAudio, inferAudio;
    public transient int audioSampleRate;

    public record TensorDrift(String name, double relDiff, double maxAbsDiff, long numel) {}

    public record WeightsStage(String trainWeights, String inferWeights, Long emaStep, Boolean emaInitted,
                               boolean onlineAvailable, double maxRelDiff, double meanRelDiff,
                               List<TensorDrift> drift, List<String> missing, List<String> extra) {}

    public record TokenRow(int position, String trainToken, long trainId, String inferToken, long inferId, boolean same) {}

    public record TokensStage(String trainText, String inferText, List<String> trainTokens, List<String> inferTokens,
                              long[] trainIds, long[] inferIds, List<String> unknownChars, int insertedSpaces,
                              boolean identical, List<TokenRow> table) {}

    public record ConditioningStage(int refSampleRate, double refSeconds, int trainRefFrames, int inferRefFrames,
                                    int trainDuration, int inferDuration, double refRms, boolean rmsNormalised,
                                    double trimmedSeconds, double refMelRelDiff, List<String> effects) {}

    public record LayerDiff(String layer, double relError, double maxAbsDiff) {}

    public record FactorEffect(String factor, double effect, String detail, String firstLayerOverTolerance,
                               List<LayerDiff> layers) {}

    public record LayerPrecision(String layer, double maxAbsFp32, long overflow, long inf, long nan, double relError) {}

    public record PrecisionStage(String trainPrecision, String inferPrecision, String emulated, double tolerance,
                                 String firstLayerOverTolerance, long totalOverflow, List<LayerPrecision> layers) {}

    public record ArchitectureStage(String configured, String alternative, String trainArch, double alternativeEffect,
                                    String firstLayerOverTolerance, List<LayerDiff> layers) {}

    public record FinalStage(int steps, double cfgStrength, Double swaySamplingCoef, String method, long seed,
                             int trainFrames, int inferFrames, double melRelDiff, Double audioSnrDb,
                             String trainWav, String inferWav) {}

    public record Cause(String factor, double effect, String detail) {}

    public record Divergence(String stage, String layer) {}
}

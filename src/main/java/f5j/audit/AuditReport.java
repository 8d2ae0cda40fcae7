package f5j.audit;

import f5j.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the audit found; serialised as report.json (snake_case keys) and rendered as report.html.
 * Read {@link #verdict} first, then {@link #findings} (the direct checks, before any sampling); the
 * measured effects ({@link #causes}) are relative L2 differences on the generated frames only, each next to
 * the noise floor (the same path with two seeds).
 */
public final class AuditReport {
    /** Statuses of a finding: a fault, a possible fault, a difference upstream makes on purpose, none, not checkable. */
    public static final String CAUSE = "cause", SUSPECT = "suspect", BY_DESIGN = "by-design", OK = "ok", UNKNOWN = "unknown";

    /** What was audited: files, texts, seed, settings. */
    public final Map<String, Object> inputs = new LinkedHashMap<>();
    /** The most likely cause (null when nothing is beyond design and noise), the evidence and the fix. */
    public Verdict verdict;
    /** Every direct check, in checklist order. */
    public final List<Finding> findings = new ArrayList<>();
    public WeightsStage weights;
    public TokensStage tokens;
    public ConditioningStage conditioning;
    /** Where effects are measured and how much two seeds of the train path differ there. */
    public NoiseFloor noiseFloor;
    /** Each factor switched alone from the train path's value to the inference path's. */
    public final List<FactorEffect> factors = new ArrayList<>();
    /** The factors with their noise floor and status; by-design ones are a labelled baseline, never ranked as causes. */
    public final List<Cause> causes = new ArrayList<>();
    /** The trainer's flow-matching loss on the row under the train-path and the inference-path value of each factor. */
    public final List<LossVariant> lossProbe = new ArrayList<>();
    /** The inference path on exactly the training row (its text once, its real length) against the row's real mel. */
    public LikeForLike likeForLike;
    /** What {@link #layers} compares. */
    public String comparison = "train vs inference";
    /** Train path vs inference path (all factors at once), layer by layer at the first ODE step. */
    public final List<LayerDiff> layers = new ArrayList<>();
    /** The train path against itself with the next seed, layer by layer: what a layer difference has to beat. */
    public List<LayerDiff> layerNoiseFloor;
    public PrecisionStage precision;
    public ArchitectureStage architecture;
    public FinalStage finalOutput;
    /** The first layer over tolerance: for a numeric cause above its noise floor, or of a --compare run. */
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

    public record Verdict(String cause, String summary, String fix) {}

    public record Finding(String check, String factor, String status, String evidence, String fix) {}

    public record TensorDrift(String name, double relDiff, double maxAbsDiff, long numel) {}

    /** ‖EMA − online‖ / ‖online‖ over one group of tensors (a block, an embedding, the output). */
    public record GroupDrift(String group, double relDiff, long numel) {}

    public record WeightsStage(String trainWeights, String inferWeights, Long emaStep, Long update, Boolean emaInitted,
                               String emaRecipe, Double startShare, boolean onlineAvailable, double relDiff,
                               double maxRelDiff, List<GroupDrift> groups, List<TensorDrift> drift, List<String> missing,
                               List<String> extra, long nonfiniteEma, long nonfiniteOnline) {}

    /** One word of the dataset text lined up with what inference makes of it. */
    public record WordRow(String dataset, String inference, String status) {}

    public record TokensStage(String trainText, String inferText, List<String> trainTokens, List<String> inferTokens,
                              long[] trainIds, long[] inferIds, List<String> unknownChars, int insertedSpaces,
                              boolean identical, String datasetText, String inferenceOfDataset, List<WordRow> words) {}

    public record ConditioningStage(int refSampleRate, double refSeconds, double keptSeconds, double speechSeconds,
                                    double keptSpeechSeconds, int trainRefFrames, int inferRefFrames, int trainDuration,
                                    int inferDuration, double refRms, boolean rmsRaised, double targetRms,
                                    double trimmedSeconds, List<String> effects) {}

    public record NoiseFloor(long seedA, long seedB, int fromFrame, int toFrame, double firstStep, double finalMel) {}

    public record LayerDiff(String layer, double relError, double maxAbsDiff) {}

    /**
     * effect: first ODE step, finalEffect: the sampled mel; both relative L2 on the generated frames
     * [from, to) of both runs.
     */
    public record FactorEffect(String factor, double effect, double finalEffect, int fromFrame, int toFrame, String detail,
                               String firstLayerOverTolerance, List<LayerDiff> layers) {}

    /**
     * A factor's measured effect beside its noise floor; ratio = finalEffect / finalNoiseFloor. status is the
     * finding's (by-design factors stay by-design whatever they measure); nonfinite says "inf" or "nan" where
     * an effect is not a number (the JSON then holds null for it), else "none".
     */
    public record Cause(String factor, double effect, double noiseFloor, double finalEffect, double finalNoiseFloor,
                        double ratio, String status, String nonfinite, String firstLayer, String detail) {}

    /** Loss per variant: mean and spread (standard deviation) over the draws; difference = infer − train per draw. */
    public record LossVariant(String factor, String trainVariant, String inferVariant, int draws, double trainLoss,
                              double trainSpread, double inferLoss, double inferSpread, double meanDifference,
                              double differenceSpread, String reading) {}

    public record LikeForLikeRow(String variant, double relError) {}

    public record LikeForLike(String text, int promptFrames, int frames, double constantSpectrumError, List<LikeForLikeRow> rows) {}

    public record LayerPrecision(String layer, double maxAbsFp32, long overflow, long inf, long nan, double relError) {}

    public record PrecisionStage(String trainPrecision, String inferPrecision, String emulated, double tolerance,
                                 String firstLayerOverTolerance, long totalOverflow, List<LayerPrecision> layers) {}

    public record ArchitectureStage(String configured, String alternative, String trainArch, double alternativeEffect,
                                    String firstLayerOverTolerance, List<LayerDiff> layers) {}

    public record FinalStage(int steps, double cfgStrength, Double swaySamplingCoef, String method, long seed,
                             int trainFrames, int inferFrames, double melRelDiff, Double audioSnrDb,
                             String trainWav, String inferWav) {}

    public record Divergence(String stage, String layer) {}
}

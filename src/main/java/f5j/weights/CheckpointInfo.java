package f5j.weights;

import java.nio.file.Path;
import java.util.List;

/**
 * Where a state dict came from, for provenance and the audit.
 *
 * @param file      the checkpoint file
 * @param layout    {@code trainer} (model_N.pt with online and EMA weights), {@code pruned} (.pt with only
 *                  EMA weights), {@code safetensors}, or {@code state_dict} (a .pt/.bin that is one flat dict)
 * @param weights   the weights taken
 * @param source    which dict inside the file: {@code ema_model_state_dict}, {@code model_state_dict}, or
 *                  {@code file} for the whole file
 * @param update    the trainer's {@code update} (or legacy {@code step}) counter, if the file has one
 * @param emaStep   the EMA's {@code step} buffer, if present
 * @param initted   the EMA's {@code initted} buffer, if present
 * @param dropped   entries left out: EMA bookkeeping and legacy mel buffers
 */
public record CheckpointInfo(Path file, String layout, Weights weights, String source, Long update, Long emaStep,
                             Boolean initted, List<String> dropped) {}

package f5j.weights;

import java.util.Map;

/** A model's tensors under upstream CFM names ({@code transformer.…}) and where they came from. */
public record StateDict(Map<String, RawTensor> tensors, CheckpointInfo info) {}

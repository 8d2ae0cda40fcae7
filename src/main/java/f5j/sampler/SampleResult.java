package f5j.sampler;

import f5j.tensor.Tensor;

/**
 * What {@code CFM.sample} returns: the mel ({@code 1 x duration x melDim}, reference frames copied back),
 * every ODE state ({@code steps+1 x 1 x duration x melDim}) and the time grid used.
 */
public record SampleResult(Tensor mel, Tensor trajectory, float[] t) {}

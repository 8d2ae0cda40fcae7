package f5j.sampler;

import f5j.tensor.Tensor;

/**
 * Arguments of one {@code CFM.sample}: NFE steps, CFG strength (below 1e-5 no unconditional pass),
 * sway sampling coefficient (null: none), ODE method ("euler" or "midpoint"), the noise seed, and
 * optionally the start noise itself ({@code duration x melDim} or {@code 1 x duration x melDim}) instead
 * of drawing it from the seed.
 */
public record SampleSettings(int steps, double cfgStrength, Double swaySamplingCoef, String method, long seed,
                             Tensor y0) {}

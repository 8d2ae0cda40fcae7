package f5j.audit;

/**
 * The EMA schedule of ema_pytorch as upstream's trainer builds it ({@code EMA(model, include_online_model=False)}
 * with empty ema_kwargs): {@code update()} is called once per optimizer update; the first call (or any call at
 * a step ≤ update_after_step that is a multiple of update_every) copies the online weights; after that, every
 * update_every-th call moves the EMA with decay {@code min(beta, 1 − (1 + epoch/inv_gamma)^−power)},
 * epoch = step − update_after_step.
 */
public record EmaRecipe(double beta, long updateAfterStep, long updateEvery, double invGamma, double power) {
    public static final EmaRecipe UPSTREAM = new EmaRecipe(0.9999, 100, 10, 1.0, 2.0 / 3.0);

    public EmaRecipe {
        if (!(beta >= 0 && beta <= 1)) throw new f5j.util.F5jException("EMA beta " + beta + ": must be in [0, 1]");
        if (updateEvery < 1) throw new f5j.util.F5jException("EMA update_every " + updateEvery + ": must be at least 1");
    }

    /** The decay ema_pytorch applies when its step buffer (already incremented) reads {@code step}. */
    double decay(long step) {
        double epoch = Math.max(0, step - updateAfterStep - 1);
        if (epoch <= 0) return 0;
        return Math.min(beta, Math.max(0, 1 - Math.pow(1 + epoch / invGamma, -power)));
    }

    /**
     * Share of the weights the run started from still in the EMA after {@code updates} calls that took the
     * EMA's step to {@code emaStep}: 1 when nothing moved it, 0 once a copy replaced it. A run whose EMA
     * step equals its update count started from scratch (the first call copies); a larger step is a
     * fine-tune that loaded an EMA at step {@code emaStep − updates}. Null when the counts contradict.
     */
    public Double startShare(long emaStep, long updates) {
        if (updates < 0 || emaStep < updates) return null;
        long start = emaStep - updates;
        boolean initted = start > 0;
        double share = 1;
        for (long k = start; k < emaStep; k++) {
            if (!initted) {
                share = 0;
                initted = true;
                continue;
            }
            if (k % updateEvery != 0) continue;
            if (k <= updateAfterStep) {
                share = 0;
                continue;
            }
            share *= decay(k + 1);
            if (share < 1e-12) return 0.0;
        }
        return share;
    }

    public String describe() {
        return String.format(java.util.Locale.ROOT, "beta %s, update_after_step %d, update_every %d", beta, updateAfterStep, updateEvery);
    }
}

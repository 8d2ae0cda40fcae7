package f5j.sampler;

import f5j.compute.Backend;
import f5j.dit.DiT;
import f5j.tensor.Tensor;
import f5j.trace.Trace;
import f5j.util.F5jException;


/**
 * Upstream {@code CFM.sample} for one utterance: fixes the duration, pads the reference mel into the
 * step condition, draws (or takes) the start noise, and integrates the flow from t=0 to 1 on a fixed grid
 * with torchdiffeq's Euler or midpoint steps, the DiT predicting the flow with classifier-free guidance.
 */
public final class CfmSampler {
    /** Upstream's default max_duration (frames). */
    public static final int MAX_DURATION = 65536;

    private final DiT dit;
    private final Backend be;

    public CfmSampler(DiT dit) {
        this.dit = dit;
        this.be = dit.backend();
    }

    /** Upstream's duration rule: at least the text / reference length plus one frame, at most MAX_DURATION. */
    public static int duration(int requested, int condFrames, long[] textIds) {
        int textLen = 0;
        for (long id : textIds) if (id != -1) textLen++;
        return Math.min(Math.max(Math.max(textLen, condFrames) + 1, requested), MAX_DURATION);
    }

    /**
     * cond: {@code 1 x n x melDim} reference mel; textIds: token ids (-1 = padding); duration: requested
     * total frames; trace: records the DiT modules during the first ODE function evaluation only.
     */
    public SampleResult sample(Tensor cond, long[] textIds, int duration, SampleSettings s, Trace trace) {
        return sample(cond, textIds, duration, s, () -> { }, trace);
    }

    /** As {@link #sample(Tensor, long[], int, SampleSettings, Trace)}, calling {@code onStep} after each ODE step. */
    public SampleResult sample(Tensor cond, long[] textIds, int duration, SampleSettings s, Runnable onStep, Trace trace) {
        int mel = dit.melDim();
        if (cond.rank() != 3 || cond.dim(0) != 1 || cond.dim(2) != mel) {
            throw new IllegalArgumentException("cond must be 1 x frames x " + mel + ", got " + cond.shapeString());
        }
        boolean midpoint = switch (s.method()) {
            case "euler" -> false;
            case "midpoint" -> true;
            default -> throw new F5jException("ODE method '" + s.method() + "' is not supported (euler, midpoint)");
        };
        int condLen = cond.dim(1);
        if (condLen >= MAX_DURATION) {
            throw new F5jException("reference audio of " + condLen + " mel frames is too long (at most " + (MAX_DURATION - 1) + ")");
        }
        int d = duration(duration, condLen, textIds);
        int n = d * mel;

        // the reference frames, zero-padded to the duration: both the padded cond and step_cond
        float[] stepCond = new float[n];
        System.arraycopy(cond.data, 0, stepCond, 0, condLen * mel);
        Tensor condT = new Tensor(stepCond, 1, d, mel);

        float[] y0 = startNoise(s, d, mel);
        float[] t = TimeGrid.of(s.steps(), s.swaySamplingCoef());
        long[][] text = {textIds};

        float[] traj = new float[t.length * n];
        System.arraycopy(y0, 0, traj, 0, n);
        GuidedFlow flow = new GuidedFlow(dit, condT, text, s.cfgStrength(), trace);
        float[] y = y0.clone();
        float[] yMid = midpoint ? new float[n] : null;
        try {
            for (int i = 0; i + 1 < t.length; i++) {
                float t0 = t[i], dt = t[i + 1] - t0;
                float[] f0 = flow.eval(t0, y);
                float[] y1 = new float[n];
                if (midpoint) {
                    float halfDt = 0.5f * dt;
                    be.addScaled(y, f0, halfDt, n, yMid);
                    float[] fm = flow.eval(t0 + halfDt, yMid);
                    be.addScaled(y, fm, dt, n, y1);
                } else {
                    be.addScaled(y, f0, dt, n, y1);
                }
                y = y1;
                System.arraycopy(y, 0, traj, (i + 1) * n, n);
                onStep.run();
            }
        } finally {
            flow.close();
        }
        float[] out = y.clone();
        System.arraycopy(cond.data, 0, out, 0, condLen * mel);
        return new SampleResult(new Tensor(out, 1, d, mel), new Tensor(traj, t.length, 1, d, mel), t);
    }

    private static float[] startNoise(SampleSettings s, int d, int mel) {
        if (s.y0() == null) return new TorchRandom(s.seed()).randn(d * mel);
        Tensor y0 = s.y0();
        int[] sh = y0.shape;
        boolean ok = (sh.length == 2 && sh[0] == d && sh[1] == mel) || (sh.length == 3 && sh[0] == 1 && sh[1] == d && sh[2] == mel);
        if (!ok) throw new F5jException("start noise has shape " + y0.shapeString() + ", the sample needs " + d + " x " + mel);
        return y0.data.clone();
    }
}

package f5j.compute;

import f5j.tensor.DType;
import f5j.weights.RawTensor;

import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs another backend's ops as a GPU would in reduced precision: operands rounded to fp16/bf16, the op
 * itself accumulated in fp32 (as tensor-core kernels do), its output rounded again (overflow becomes inf).
 *
 * <p>{@link Mode#HALF} is {@code model.half()} (inference on CUDA): every op's output is rounded; the
 * weights must already be rounded in the state dict ({@link #roundStateDict}) and the model's inputs by the
 * caller, so operands need no rounding (everything else they see is an earlier op's rounded output).
 * {@link Mode#AUTOCAST} is {@code accelerator.autocast()}: weights stay fp32, the matmul-like ops (linear,
 * conv, attention) cast operands and weights to the low format and return it; norms, activations and
 * elementwise ops stay fp32. A decorator like any other: it switches over the {@link Op} it is given.
 */
public final class PrecisionBackend implements Backend {
    public enum Mode { HALF, AUTOCAST }

    private final Backend inner;
    private final Precision precision;
    private final Mode mode;
    /** Rounded copies of weight arrays, keyed by identity: weights are rounded once, not on every call. */
    private final Map<float[], float[]> roundedWeights = new IdentityHashMap<>();
    private float[] scratchA = new float[0], scratchB = new float[0], scratchC = new float[0];

    public PrecisionBackend(Backend inner, Precision precision, Mode mode) {
        this.inner = inner;
        this.precision = precision;
        this.mode = mode;
    }

    public Precision precision() { return precision; }

    public Mode mode() { return mode; }

    /**
     * The state dict as {@code model.to(dtype)} leaves it: float tensors rounded (stored as F32 so every
     * consumer reads them unchanged); integer and bool tensors untouched.
     */
    public static Map<String, RawTensor> roundStateDict(Map<String, RawTensor> sd, Precision p) {
        if (p == Precision.FP32) return sd;
        Map<String, RawTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, RawTensor> e : sd.entrySet()) {
            RawTensor t = e.getValue();
            if (!t.dtype().isFloat()) {
                out.put(e.getKey(), t);
                continue;
            }
            float[] v = p.rounded(t.toFloats());
            out.put(e.getKey(), new RawTensor(t.name(), DType.F32, t.shape(), MemorySegment.ofArray(v)));
        }
        return out;
    }

    @Override public String name() { return inner.name() + "+" + precision.label() + "-" + mode.name().toLowerCase(); }

    private boolean half() { return mode == Mode.HALF && precision != Precision.FP32; }

    private boolean autocast() { return mode == Mode.AUTOCAST && precision != Precision.FP32; }

    /** A weight as autocast's matmuls see it (rounded once, cached); HALF weights are rounded in the state dict. */
    private float[] weight(float[] w) {
        if (w == null || !autocast()) return w;
        return roundedWeights.computeIfAbsent(w, precision::rounded);
    }

    /** Under autocast the first n values of x rounded, in a reused scratch buffer (slot 0, 1 or 2); else x. */
    private float[] operand(float[] x, int n, int slot) {
        if (!autocast()) return x;
        float[] s = switch (slot) { case 0 -> scratchA; case 1 -> scratchB; default -> scratchC; };
        if (s.length < n) {
            s = new float[n];
            switch (slot) { case 0 -> scratchA = s; case 1 -> scratchB = s; default -> scratchC = s; }
        }
        for (int i = 0; i < n; i++) s[i] = precision.round(x[i]);
        return s;
    }

    /** Rounds a matmul-like op's output (both modes). */
    private void low(float[] y, int n) { if (precision != Precision.FP32) precision.roundInPlace(y, n); }

    /** Rounds any other op's output (model cast only). */
    private void out(float[] y, int n) { if (half()) precision.roundInPlace(y, n); }

    @Override
    public void execute(Op op) {
        switch (op) {
            // matmul-like: low precision in both modes
            case Op.Linear o -> {
                inner.execute(new Op.Linear(operand(o.x(), o.rows() * o.in(), 0), o.rows(), o.in(), weight(o.w()),
                        weight(o.b()), o.out(), o.y()));
                low(o.y(), o.rows() * o.out());
            }
            case Op.Conv1d o -> {
                inner.execute(new Op.Conv1d(operand(o.x(), o.batch() * o.len() * o.cin(), 0), o.batch(), o.len(), o.cin(),
                        weight(o.w()), weight(o.b()), o.cout(), o.k(), o.groups(), o.pad(), o.y()));
                low(o.y(), o.batch() * o.len() * o.cout());
            }
            case Op.Attention o -> {
                int n = o.batch() * o.len() * o.heads() * o.dh();
                inner.execute(new Op.Attention(operand(o.q(), n, 0), operand(o.k(), n, 1), operand(o.v(), n, 2), o.batch(),
                        o.len(), o.heads(), o.dh(), o.keyMask(), o.out()));
                low(o.out(), n);
            }
            // everything else: fp32 under autocast, rounded output under the model cast
            case Op.LayerNorm o -> { inner.execute(o); out(o.y(), o.rows() * o.dim()); }
            case Op.RmsNorm o -> { inner.execute(o); out(o.y(), o.rows() * o.dim()); }
            case Op.Silu o -> { inner.execute(o); out(o.y(), o.n()); }
            case Op.Mish o -> { inner.execute(o); out(o.y(), o.n()); }
            case Op.GeluErf o -> { inner.execute(o); out(o.y(), o.n()); }
            case Op.GeluTanh o -> { inner.execute(o); out(o.y(), o.n()); }
            case Op.Add o -> { inner.execute(o); out(o.y(), o.n()); }
            case Op.Mul o -> { inner.execute(o); out(o.y(), o.n()); }
            case Op.GatherRows o -> { inner.execute(o); out(o.y(), o.rows() * o.dim()); }
            case Op.ZeroRows o -> inner.execute(o);
            case Op.ConcatLast o -> { inner.execute(o); out(o.y(), o.rows() * (o.da() + o.db() + o.dc())); }
            case Op.Modulate o -> { inner.execute(o); out(o.y(), o.batch() * o.len() * o.dim()); }
            case Op.GatedAdd o -> { inner.execute(o); out(o.x(), o.batch() * o.len() * o.dim()); }
            case Op.Grn o -> { inner.execute(o); out(o.y(), o.batch() * o.len() * o.dim()); }
            case Op.AngleTable o -> {
                inner.execute(o);
                out(o.cos(), o.len() * o.halfLen());
                out(o.sin(), o.len() * o.halfLen());
            }
            case Op.AddCosSin o -> { inner.execute(o); out(o.x(), o.batch() * o.len() * 2 * o.halfLen()); }
            case Op.Rotary o -> { inner.execute(o); out(o.x(), o.batch() * o.len() * o.heads() * o.dh()); }
            case Op.TimestepSinusoid o -> { inner.execute(o); out(o.y(), o.batch() * 2 * o.halfLen()); }
            case Op.AddScaled o -> { inner.execute(o); out(o.y(), o.n()); }
            case Op.CfgCombine o -> { inner.execute(o); out(o.y(), o.halfLen()); }
            case Op.ScaleLast o -> { inner.execute(o); out(o.y(), o.rows() * o.dim()); }
            case Op.PolarSpectrum o -> {
                inner.execute(o);
                out(o.re(), o.rows() * o.bins());
                out(o.im(), o.rows() * o.bins());
            }
        }
    }
}

package f5j.compute;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * One {@link Backend} operation as a value: the layers call {@code be.linear(...)}, which builds an
 * {@code Op.Linear} and hands it to {@link Backend#execute}. Backends and their decorators (plan recorder,
 * precision emulation, profiler) switch over these records; the switches name no default branch where an
 * op must be translated (the kernels, the TornadoVM tasks), so a new op that is not translated there
 * fails to compile.
 *
 * <p>Each record declares what it does with its arrays: a component marked {@link Out} is written (its
 * previous contents are not read), one marked {@link InOut} is updated in place, every other array is only
 * read. An array component may be null where the operation says so (an absent bias, gamma, mask...).
 * Shapes are explicit sizes; "rows" means all leading axes flattened. Parameter documentation is on the
 * {@link Backend} methods that build each record.
 */
public sealed interface Op {
    /** The component is written; its contents before the call are not read. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    @interface Out {}

    /** The component is read and written in place. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.RECORD_COMPONENT)
    @interface InOut {}

    record Linear(float[] x, int rows, int in, float[] w, float[] b, int out, @Out float[] y) implements Op {}

    record LayerNorm(float[] x, int rows, int dim, float[] gamma, float[] beta, float eps, @Out float[] y) implements Op {}

    record RmsNorm(float[] x, int rows, int dim, float[] gamma, float eps, @Out float[] y) implements Op {}

    record Silu(float[] x, int n, @Out float[] y) implements Op {}

    record Mish(float[] x, int n, @Out float[] y) implements Op {}

    record GeluErf(float[] x, int n, @Out float[] y) implements Op {}

    record GeluTanh(float[] x, int n, @Out float[] y) implements Op {}

    record Add(float[] a, float[] b, int n, @Out float[] y) implements Op {}

    record Mul(float[] a, float[] b, int n, @Out float[] y) implements Op {}

    record Conv1d(float[] x, int batch, int len, int cin, float[] w, float[] b, int cout, int k, int groups, int pad,
                  @Out float[] y) implements Op {}

    record Attention(float[] q, float[] k, float[] v, int batch, int len, int heads, int dh, float[] keyMask,
                     @Out float[] out) implements Op {}

    record ScaleLast(float[] x, int rows, int dim, float[] g, @Out float[] y) implements Op {}

    record PolarSpectrum(float[] x, int rows, int bins, float maxMag, @Out float[] re, @Out float[] im) implements Op {}

    record GatherRows(float[] table, int dim, int[] ids, int rows, @Out float[] y) implements Op {}

    record ZeroRows(@InOut float[] x, int rows, int dim, float[] keep) implements Op {}

    record ConcatLast(float[] a, int da, float[] b, int db, boolean bZero, float[] c, int dc, int rows,
                      @Out float[] y) implements Op {}

    record Modulate(float[] x, int batch, int len, int dim, float[] emb, int embWidth, int scaleOff, int shiftOff,
                    @Out float[] y) implements Op {}

    record GatedAdd(@InOut float[] x, float[] y, int batch, int len, int dim, float[] emb, int embWidth, int gateOff)
            implements Op {}

    record Grn(float[] x, int batch, int len, int dim, float[] gamma, float[] beta, @Out float[] nx, @Out float[] y)
            implements Op {}

    record AngleTable(float[] invFreq, int halfLen, int len, @Out float[] cos, @Out float[] sin) implements Op {}

    record AddCosSin(@InOut float[] x, int batch, int len, int halfLen, float[] cos, float[] sin, int[] validLen)
            implements Op {}

    record Rotary(@InOut float[] x, int batch, int len, int heads, int dh, int ropeHeads, float[] cos, float[] sin)
            implements Op {}

    record TimestepSinusoid(float[] time, int batch, float scale, float[] freqs, int halfLen, @Out float[] y)
            implements Op {}

    record AddScaled(float[] a, float[] b, float s, int n, @Out float[] y) implements Op {}

    record CfgCombine(float[] packed, int halfLen, float cfg, @Out float[] y) implements Op {}
}

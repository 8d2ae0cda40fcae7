package f5j.compute;

/**
 * The reference backend: runs the plain {@link Kernels} on the host, one thread. They are the arithmetic
 * the TornadoVM twins ({@code src/tornado}, TornadoKernels) repeat on device arrays, and a default-build
 * test keeps the two equal. {@link SimdBackend} (the default "cpu") extends it and overrides the hot
 * operations; operations it does not override run here.
 */
public class CpuBackend implements Backend {
    static final CpuBackend INSTANCE = new CpuBackend();

    CpuBackend() {}

    @Override public String name() { return "reference"; }

    @Override
    public void execute(Op op) {
        switch (op) {
            case Op.Linear o -> Kernels.linear(o.x(), o.in(), o.w(), o.b(), o.b() != null, o.out(), o.y(), 0, o.rows());
            case Op.LayerNorm o -> Kernels.layerNorm(o.x(), o.dim(), o.gamma(), o.beta(), o.gamma() != null, o.eps(), o.y(),
                    0, o.rows());
            case Op.RmsNorm o -> Kernels.rmsNorm(o.x(), o.dim(), o.gamma(), o.eps(), o.y(), 0, o.rows());
            case Op.Silu o -> Kernels.silu(o.x(), o.y(), 0, o.n());
            case Op.Mish o -> Kernels.mish(o.x(), o.y(), 0, o.n());
            case Op.GeluErf o -> Kernels.geluErf(o.x(), o.y(), 0, o.n());
            case Op.GeluTanh o -> Kernels.geluTanh(o.x(), o.y(), 0, o.n());
            case Op.Add o -> Kernels.add(o.a(), o.b(), o.y(), 0, o.n());
            case Op.Mul o -> Kernels.mul(o.a(), o.b(), o.y(), 0, o.n());
            case Op.Conv1d o -> Kernels.conv1d(o.x(), o.len(), o.cin(), o.w(), o.b(), o.b() != null, o.cout(), o.k(),
                    o.groups(), o.pad(), o.y(), 0, o.batch() * o.len());
            case Op.Attention o -> Kernels.attention(o.q(), o.k(), o.v(), o.len(), o.heads(), o.dh(), o.keyMask(),
                    o.keyMask() != null, o.out(), 0, o.batch() * o.heads() * o.len());
            case Op.ScaleLast o -> Kernels.scaleLast(o.x(), o.dim(), o.g(), o.y(), 0, o.rows());
            case Op.PolarSpectrum o -> Kernels.polarSpectrum(o.x(), o.bins(), o.maxMag(), o.re(), o.im(), 0, o.rows());
            case Op.GatherRows o -> Kernels.gatherRows(o.table(), o.dim(), o.ids(), o.y(), 0, o.rows());
            case Op.ZeroRows o -> Kernels.zeroRows(o.x(), o.dim(), o.keep(), 0, o.rows());
            case Op.ConcatLast o -> Kernels.concatLast(o.a(), o.da(), o.b(), o.db(), o.bZero(), o.c(), o.dc(), o.y(), 0,
                    o.rows());
            case Op.Modulate o -> Kernels.modulate(o.x(), o.len(), o.dim(), o.emb(), o.embWidth(), o.scaleOff(),
                    o.shiftOff(), o.y(), 0, o.batch() * o.len());
            case Op.GatedAdd o -> Kernels.gatedAdd(o.x(), o.y(), o.len(), o.dim(), o.emb(), o.embWidth(), o.gateOff(), 0,
                    o.batch() * o.len());
            case Op.Grn o -> {
                Kernels.grnScale(o.x(), o.len(), o.dim(), o.nx(), 0, o.batch());
                Kernels.grnApply(o.x(), o.len(), o.dim(), o.nx(), o.gamma(), o.beta(), o.y(), 0, o.batch() * o.len());
            }
            case Op.AngleTable o -> Kernels.angleTable(o.invFreq(), o.halfLen(), o.cos(), o.sin(), 0, o.len());
            case Op.AddCosSin o -> Kernels.addCosSin(o.x(), o.len(), o.halfLen(), o.cos(), o.sin(), o.validLen(), 0,
                    o.batch() * o.len());
            case Op.Rotary o -> Kernels.rotary(o.x(), o.len(), o.heads(), o.dh(), o.ropeHeads(), o.cos(), o.sin(), 0,
                    o.batch() * o.len());
            case Op.TimestepSinusoid o -> Kernels.timestepSinusoid(o.time(), o.scale(), o.freqs(), o.halfLen(), o.y(), 0,
                    o.batch());
            case Op.AddScaled o -> Kernels.addScaled(o.a(), o.b(), o.s(), o.y(), 0, o.n());
            case Op.CfgCombine o -> Kernels.cfgCombine(o.packed(), o.halfLen(), o.cfg(), o.y(), 0, o.halfLen());
        }
    }
}

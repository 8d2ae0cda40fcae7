package f5j.vocoder;

import f5j.weights.Param;

import java.util.List;

/**
 * The Vocos parameter list: the tensors of its state dict (MelSpectrogramFeatures + VocosBackbone + ISTFTHead,
 * as in charactr/vocos-mel-24khz) with their shapes, from its config, and how random weights fill them.
 */
public final class VocosShapes {
    static final int EMBED_KERNEL = 7, DWCONV_KERNEL = 7;

    private VocosShapes() {}

    /** Every parameter and persistent buffer, in module order. */
    public static List<Param> params(VocosConfig c) {
        long dim = c.dim(), inter = c.intermediateDim();
        Param.Builder m = new Param.Builder();
        m.add("feature_extractor.mel_spec.spectrogram.window", new Param.Buffer(), c.nFft());
        m.add("feature_extractor.mel_spec.mel_scale.fb", new Param.Buffer(), c.nFft() / 2 + 1, c.nMels());
        m.conv1d("backbone.embed", dim, c.inputChannels(), EMBED_KERNEL);
        m.layerNorm("backbone.norm", dim);
        for (int i = 0; i < c.numLayers(); i++) {
            String b = "backbone.convnext." + i + ".";
            m.add(b + "gamma", new Param.Constant(1.0 / c.numLayers()), dim);  // upstream's layer_scale_init_value
            m.conv1d(b + "dwconv", dim, 1, DWCONV_KERNEL);
            m.layerNorm(b + "norm", dim);
            m.linear(b + "pwconv1", inter, dim);
            m.linear(b + "pwconv2", dim, inter);
        }
        m.layerNorm("backbone.final_layer_norm", dim);
        m.linear("head.out", c.headNFft() + 2L, dim);  // magnitude and phase of n_fft/2+1 bins
        m.add("head.istft.window", new Param.Buffer(), c.headNFft());
        return m.build();
    }
}

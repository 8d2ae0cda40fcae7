package f5j.golden;

import java.util.LinkedHashMap;
import java.util.Map;

/** The golden kinds f5j can replay, by the {@code kind} metadata value. */
public final class GoldenKinds {
    private static final Map<String, GoldenKind> KINDS = new LinkedHashMap<>();

    static {
        // Each implemented kind registers here (one line each).
        register(new f5j.audio.FrontendKind());
        register(new f5j.dit.DitForwardKind());
        register(new f5j.sampler.CfmSampleKind());
        register(new f5j.sampler.RngKind());
        register(new f5j.text.TextKind());
        register(new f5j.infer.InferProcessKind());
        register(new f5j.vocoder.VocosKind());
        register(new f5j.infer.SynthRecording());
    }

    private GoldenKinds() {}

    public static void register(GoldenKind k) { KINDS.put(k.kind(), k); }

    public static GoldenKind get(String kind) { return KINDS.get(kind); }

    public static Map<String, GoldenKind> all() { return KINDS; }
}

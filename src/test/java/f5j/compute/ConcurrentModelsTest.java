package f5j.compute;

import f5j.compute.plan.DitPlanTest;
import f5j.dit.DiT;
import f5j.golden.GoldenFile;
import f5j.tensor.Tensor;
import f5j.testing.Goldens;
import f5j.trace.Trace;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one {@code Backend.cpu()} instance serves every model: two models forwarding on two threads at
 * once must each get exactly what they get alone. The tiny DiT's grouped position conv (16 groups of
 * 4 channels, kernel 31) takes SimdBackend's im2col path, whose buffers were once shared.
 */
class ConcurrentModelsTest {
    @Test
    void twoForwardsOnTwoThreadsEqualTheirSequentialResults() throws Exception {
        try (GoldenFile v1 = GoldenFile.open(Goldens.file("f5tts-tiny-v1/forward_cfg.safetensors"));
             GoldenFile v0 = GoldenFile.open(Goldens.file("f5tts-tiny-v0/forward_cfg.safetensors"))) {
            List<DitPlanTest.Case> cases = List.of(DitPlanTest.load(v1), DitPlanTest.load(v0));
            List<DiT> models = new ArrayList<>();
            List<float[]> alone = new ArrayList<>();
            for (DitPlanTest.Case c : cases) {
                DiT m = DiT.load(c.sd(), c.arch(), Backend.cpu());
                models.add(m);
                alone.add(forward(m, c).data);
            }
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<List<float[]>>> runs = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    int k = i;
                    runs.add(pool.submit(() -> {
                        List<float[]> outs = new ArrayList<>();
                        for (int r = 0; r < 8; r++) outs.add(forward(models.get(k), cases.get(k)).data);
                        return outs;
                    }));
                }
                for (int i = 0; i < 2; i++) {
                    for (float[] out : runs.get(i).get()) assertThat(out).as("model %d", i).containsExactly(alone.get(i));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void groupedConvsOnTwoThreadsEqualTheirSequentialResults() throws Exception {
        // the position conv's shape at a longer sequence: im2col + GEMM per group, the whole call racing
        int len = 400, dim = 64, groups = 16, k = 31;
        java.util.Random r = new java.util.Random(5);
        float[] w = new float[dim * (dim / groups) * k];
        for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
        float[][] xs = new float[2][len * dim], alone = new float[2][len * dim];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < xs[i].length; j++) xs[i][j] = (float) r.nextGaussian();
            Backend.cpu().conv1d(xs[i], 1, len, dim, w, null, dim, k, groups, k / 2, alone[i]);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<float[]>>> runs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                int t = i;
                runs.add(pool.submit(() -> {
                    List<float[]> outs = new ArrayList<>();
                    for (int n = 0; n < 50; n++) {
                        float[] y = new float[len * dim];
                        Backend.cpu().conv1d(xs[t], 1, len, dim, w, null, dim, k, groups, k / 2, y);
                        outs.add(y);
                    }
                    return outs;
                }));
            }
            for (int i = 0; i < 2; i++) {
                for (float[] out : runs.get(i).get()) assertThat(out).as("thread %d", i).containsExactly(alone[i]);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Tensor forward(DiT m, DitPlanTest.Case c) {
        return m.forward(c.x(), c.cond(), c.text(), c.time(), c.mask(), false, false, c.cfg(), Trace.OFF);
    }
}

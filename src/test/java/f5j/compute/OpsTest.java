package f5j.compute;

import f5j.compute.plan.Plan;
import f5j.compute.plan.PlanRecorder;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** What each {@link Op} record declares about its arrays is what its kernels do. */
class OpsTest {
    @Test
    void everyOpWritesWhatItDeclaresAndNothingElse() {
        Random r = new Random(11);
        assertThat(Ops.all()).hasSize(Op.class.getPermittedSubclasses().length).isNotEmpty();
        for (Class<? extends Op> c : Ops.all()) {
            Class<?>[] t = Ops.componentTypes(c);
            Ops.Access[] acc = Ops.access(c);
            Object[] args = new Object[t.length];
            for (int i = 0; i < args.length; i++) {
                if (t[i] == float[].class) {
                    float[] v = new float[64];
                    for (int j = 0; j < v.length; j++) v[j] = acc[i] == Ops.Access.WRITE ? Float.NaN : (float) r.nextGaussian();
                    args[i] = v;
                } else {
                    args[i] = t[i] == int[].class ? new int[] {1, 1, 1, 1} : t[i] == boolean.class ? (Object) false
                            : t[i] == float.class ? (Object) 0.5f : (Object) 2;
                }
            }
            for (Backend be : new Backend[] {Backend.reference(), Backend.cpu()}) {
                Object[] a = args.clone();
                for (int i = 0; i < a.length; i++) if (a[i] instanceof float[] f) a[i] = f.clone();
                // the recorder hashes every array before and after and reports a read-only one that changed
                PlanRecorder rec = new PlanRecorder(be);
                rec.backend().execute(Ops.of(c, a));
                Plan plan = rec.finish(Map.of());
                assertThat(plan.problems()).as("%s on %s", c.getSimpleName(), be.name()).isEmpty();
                assertThat(plan.steps()).hasSize(1);
                for (int i = 0; i < a.length; i++) {
                    if (acc[i] == Ops.Access.WRITE) {
                        boolean written = false;
                        for (float v : (float[]) a[i]) written |= !Float.isNaN(v);
                        assertThat(written).as("%s.%s is written", c.getSimpleName(), Ops.componentNames(c)[i]).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void namesAndMappingFollowTheRecord() {
        float[] x = new float[4], w = new float[4], y = new float[2];
        Op.Linear op = new Op.Linear(x, 1, 4, w, null, 2, y);
        assertThat(Ops.name(op)).isEqualTo("linear");
        assertThat(Ops.access(Op.Linear.class)).containsExactly(Ops.Access.READ, null, null, Ops.Access.READ,
                Ops.Access.READ, null, Ops.Access.WRITE);
        float[] y2 = new float[2];
        Op mapped = Ops.map(op, a -> a == y ? y2 : a);
        assertThat(mapped).isEqualTo(new Op.Linear(x, 1, 4, w, null, 2, y2));
    }
}

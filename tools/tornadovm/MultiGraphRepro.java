import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;

/**
 * Minimal reproduction of a TornadoVM 5.2.0-jdk25 failure (see README.md here): a chain of G task graphs in
 * one execution plan, graph g consuming from graph g-1 (consumeFromDevice) what graph g-1 persisted
 * (persistOnDevice). One task per graph: a[g+1] = a[g] + 1.
 *   mode "all":   plan.execute()                  -> fails on the first run when G >= 2 in our runs
 *   mode "each":  plan.withGraph(g).execute() in order, then withAllGraphs() -> works
 * Build and run (JAVA_HOME a JDK 25, TORNADOVM_HOME an SDK):
 *   javac -g -d /tmp/mgr -cp "$TORNADOVM_HOME/share/java/tornado/*" tools/tornadovm/MultiGraphRepro.java
 *   java @$TORNADOVM_HOME/tornado-argfile -cp /tmp/mgr MultiGraphRepro 4 all
 */
public class MultiGraphRepro {
    public static void addOne(FloatArray src, FloatArray dst, int n) {
        for (@Parallel int i = 0; i < n; i++) dst.set(i, src.get(i) + 1f);
    }

    public static void main(String[] args) {
        int graphs = Integer.parseInt(args[0]);
        boolean each = args.length > 1 && args[1].equals("each");
        int n = 1024;
        FloatArray[] a = new FloatArray[graphs + 1];
        for (int g = 0; g <= graphs; g++) {
            a[g] = new FloatArray(n);
            a[g].init(0f);
        }
        ImmutableTaskGraph[] itg = new ImmutableTaskGraph[graphs];
        for (int g = 0; g < graphs; g++) {
            TaskGraph t = new TaskGraph("g" + g);
            if (g == 0) t.transferToDevice(DataTransferMode.EVERY_EXECUTION, a[0]);
            else t.consumeFromDevice("g" + (g - 1), a[g]);
            t.task("t", MultiGraphRepro::addOne, a[g], a[g + 1], n);
            if (g == graphs - 1) t.transferToHost(DataTransferMode.EVERY_EXECUTION, a[g + 1]);
            else t.persistOnDevice(a[g + 1]);
            itg[g] = t.snapshot();
        }
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(itg)) {
            for (int run = 1; run <= 3; run++) {
                a[0].init(run);
                if (each) {
                    for (int g = 0; g < graphs; g++) plan.withGraph(g).execute();
                    plan.withAllGraphs();
                } else {
                    plan.execute();
                }
                float want = run + graphs;
                System.out.printf("graphs=%d mode=%s run %d: out[0]=%.1f (want %.1f) %s%n", graphs,
                        each ? "each" : "all", run, a[graphs].get(0), want, a[graphs].get(0) == want ? "OK" : "WRONG");
            }
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}

package uk.ac.manchester.tornado.api;

import java.util.HashMap;
import java.util.Map;

/** Stand-in for TornadoVM's grid scheduler (src/tornado/stub/README.md): worker grids by "graph.task". */
public class GridScheduler {
    private final Map<String, WorkerGrid> grids = new HashMap<>();

    public GridScheduler() {}

    public void addWorkerGrid(String taskName, WorkerGrid workerGrid) { grids.put(taskName, workerGrid); }

    public WorkerGrid get(String taskName) { return grids.get(taskName); }
}

package uk.ac.manchester.tornado.api;

/** Stand-in for TornadoVM's frozen task graph (src/tornado/stub/README.md). */
public final class ImmutableTaskGraph {
    ImmutableTaskGraph() {}
}

package uk.ac.manchester.tornado.api.enums;

/** Stand-in for TornadoVM's profiler modes (src/tornado/stub/README.md). */
public enum ProfilerMode { CONSOLE, SILENT }

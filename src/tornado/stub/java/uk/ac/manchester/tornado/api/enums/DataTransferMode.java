package uk.ac.manchester.tornado.api.enums;

/** Stand-in for TornadoVM's transfer modes (src/tornado/stub/README.md). */
public enum DataTransferMode { FIRST_EXECUTION, EVERY_EXECUTION }

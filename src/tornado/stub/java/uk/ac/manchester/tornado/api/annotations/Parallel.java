package uk.ac.manchester.tornado.api.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Stand-in for TornadoVM's loop annotation, so the default build compiles src/tornado/java (see
 * src/tornado/stub/README.md). With -Ptornadovm the real tornado-api replaces every stub.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.LOCAL_VARIABLE)
public @interface Parallel {}

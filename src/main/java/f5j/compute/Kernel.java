package f5j.compute;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class whose static methods are device kernels or their host twins: they must stay inside the subset TornadoVM can
 * compile (primitive arrays and scalars only; no allocation, exceptions, object fields, virtual calls or
 * recursion; only the java.lang.Math functions its backends lower). KernelOffloadabilityTest reads the
 * compiled bytecode of every class carrying this annotation and enforces it. Host-only helpers (Vector
 * API kernels, SLEEF-exact math) must not carry it.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface Kernel {}

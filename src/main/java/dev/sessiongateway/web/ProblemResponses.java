package dev.sessiongateway.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Documents, next to a route, the answers it gives besides its successes: the problems
 * the gateway makes itself (by their stable code) and the statuses of provider answers it
 * passes on unchanged. On a class, it applies to every route of the class. The OpenAPI
 * description lists each status with the problem schema, the codes and their meaning.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ProblemResponses {

	/** The problems the route may answer with. */
	ProblemCode[] value() default {};

	/**
	 * Statuses of provider answers about the caller's request that the route passes on
	 * with their body unchanged.
	 */
	int[] passedThrough() default {};

}

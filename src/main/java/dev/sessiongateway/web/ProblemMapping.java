package dev.sessiongateway.web;

import org.jspecify.annotations.Nullable;

/**
 * Says which problem a failure of another package is, so that the package keeps its own
 * exceptions free of web types and this package knows no feature. Beans of this type are
 * consulted, in their order, by the one problem handler for every exception it has no
 * handler of its own for; a failure none of them maps is an internal error.
 */
@FunctionalInterface
public interface ProblemMapping {

	/**
	 * The problem {@code failure} is: its code, detail and {@code Retry-After}.
	 * @return null when this mapping does not know the failure
	 */
	@Nullable ProblemException problemFor(Exception failure);

}

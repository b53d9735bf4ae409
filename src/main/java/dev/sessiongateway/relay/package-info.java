/**
 * What an HTTP provider's replies mean, shared by the provider packages so that none
 * repeats it: a reply or failure read as tracking's outcome, and relayed to the caller as
 * its answer. It sits between the provider packages and the packages they use
 * ({@code upstream}, {@code tracking}, {@code web}), so that {@code upstream} stays
 * outbound HTTP only and {@code tracking} free of HTTP; only provider packages use it,
 * and it knows none of them.
 */
@NullMarked
package dev.sessiongateway.relay;

import org.jspecify.annotations.NullMarked;

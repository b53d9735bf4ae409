/**
 * What an HTTP provider's replies mean, shared by the provider packages so that none
 * repeats it: a reply or failure read as tracking's outcome, relayed to the caller as its
 * answer, and an upstream failure answered as a problem (a {@code web} problem mapping).
 * It sits between the provider packages and the packages they use ({@code upstream},
 * {@code tracking}, {@code web}), so that {@code upstream} stays outbound HTTP only,
 * {@code tracking} free of HTTP and {@code web} free of features; only provider packages
 * use it, and it knows none of them.
 */
@NullMarked
package dev.sessiongateway.relay;

import org.jspecify.annotations.NullMarked;

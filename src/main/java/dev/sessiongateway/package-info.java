/**
 * session-gateway: one place where internal services open and end sessions at Pathors and
 * Konpro, with every session tracked.
 */
@NullMarked
package dev.sessiongateway;

import org.jspecify.annotations.NullMarked;

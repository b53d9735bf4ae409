/**
 * Background work on every replica: durable ends, recovery of abandoned opens, expiry and
 * maximum age, reconciliation with the providers, and retention of ended history.
 */
@NullMarked
package dev.sessiongateway.cleanup;

import org.jspecify.annotations.NullMarked;

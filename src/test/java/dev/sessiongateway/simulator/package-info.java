/**
 * Stateful in-memory simulators of the Pathors and Konpro session APIs, for tests only.
 */
@NullMarked
package dev.sessiongateway.simulator;

import org.jspecify.annotations.NullMarked;

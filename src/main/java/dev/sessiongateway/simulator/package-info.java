/**
 * Stateful in-memory simulators of the Pathors and Konpro session APIs, for the demo and
 * the tests, in the main code so that the jar can serve them too.
 */
@NullMarked
package dev.sessiongateway.simulator;

import org.jspecify.annotations.NullMarked;

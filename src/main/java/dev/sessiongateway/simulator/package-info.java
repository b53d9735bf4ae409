/**
 * Simulated Pathors and Konpro session APIs in memory, and the switch
 * ({@code gateway.simulators.enabled}) that runs the gateway against them with demo keys:
 * for the demo, for trying the jar, the image or the compose file without real keys, and
 * for tests. Knows nothing of the gateway.
 */
@NullMarked
package dev.sessiongateway.simulator;

import org.jspecify.annotations.NullMarked;

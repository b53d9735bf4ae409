/**
 * Pathors: its client, settings, the inbound session routes (v1 and the legacy aliases)
 * and the webhook receiver.
 */
@NullMarked
package dev.sessiongateway.pathors;

import org.jspecify.annotations.NullMarked;

/**
 * The gateway as separate JVMs against a provider stub that holds state: killed at named
 * points and restarted, and run as replicas on one database.
 */
@NullMarked
package dev.sessiongateway.durability;

import org.jspecify.annotations.NullMarked;

/**
 * The lease routes: a client grants itself a lease, keeps it alive, reads it and revokes
 * it; the sessions it attaches to a lease end with it.
 */
@NullMarked
package dev.sessiongateway.leases;

import org.jspecify.annotations.NullMarked;

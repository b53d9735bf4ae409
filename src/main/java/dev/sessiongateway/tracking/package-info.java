/**
 * The session lifecycle: the session record (its columns listed once, in
 * {@code Session.Column}) and its states, the open and end flows, the ledger's side of
 * background work, the outbox of events to callers written with each change, and the
 * queries other packages read. Stores through the ledger; knows no provider.
 */
@NullMarked
package dev.sessiongateway.tracking;

import org.jspecify.annotations.NullMarked;

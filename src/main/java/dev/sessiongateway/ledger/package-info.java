/**
 * The storage engine under the session ledger: short transactions on the application's
 * database, committed in groups with a savepoint per unit, and an embedded H2 database
 * opened and closed in the right order. Knows nothing of sessions.
 */
@NullMarked
package dev.sessiongateway.ledger;

import org.jspecify.annotations.NullMarked;

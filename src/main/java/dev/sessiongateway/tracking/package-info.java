/**
 * The session record, its states and transitions, and the short transactions that move it
 * from one state to the next; knows no provider.
 */
@NullMarked
package dev.sessiongateway.tracking;

import org.jspecify.annotations.NullMarked;

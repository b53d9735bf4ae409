/**
 * What ops staff see: session lists with filters and keyset paging, one session with its
 * history, live statistics, each client's usage per day with the activity over time, and
 * the events delivered to callers.
 */
@NullMarked
package dev.sessiongateway.ops;

import org.jspecify.annotations.NullMarked;

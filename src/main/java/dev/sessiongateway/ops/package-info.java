/**
 * What ops staff see: session lists with filters and keyset paging, one session with its
 * history, live statistics, and the events delivered to callers.
 */
@NullMarked
package dev.sessiongateway.ops;

import org.jspecify.annotations.NullMarked;

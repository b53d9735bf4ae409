/**
 * What ops staff see: session lists with filters and keyset paging, one session with its
 * history, and live statistics.
 */
@NullMarked
package dev.sessiongateway.ops;

import org.jspecify.annotations.NullMarked;

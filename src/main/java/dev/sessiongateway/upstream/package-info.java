/**
 * Outbound HTTP shared by the provider clients: the pooled client under
 * {@code RestClient}, failure classification, bounded reads, outbound request budgets
 * that put ends first.
 */
@NullMarked
package dev.sessiongateway.upstream;

import org.jspecify.annotations.NullMarked;

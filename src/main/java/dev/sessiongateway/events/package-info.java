/**
 * Events to callers: each client with an event URL is told, by signed HTTP deliveries
 * following the Standard Webhooks scheme, when its sessions end, expire or have their end
 * flagged, and when its leases expire or are revoked. Tracking writes the events to an
 * outbox in the transaction of each change; this package delivers them, at least once,
 * from any replica, only to hosts on an allow-list.
 */
@NullMarked
package dev.sessiongateway.events;

import org.jspecify.annotations.NullMarked;

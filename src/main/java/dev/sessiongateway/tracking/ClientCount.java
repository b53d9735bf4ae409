package dev.sessiongateway.tracking;

/**
 * How many sessions one client opened are in one status.
 */
public record ClientCount(String client, SessionStatus status, long count) {

}

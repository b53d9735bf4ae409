package dev.sessiongateway.tracking;

/**
 * How many sessions of one provider and scope are in one status.
 */
public record SessionCount(String provider, String scope, SessionStatus status, long count) {

}

package dev.sessiongateway.tracking;

/**
 * The tracking contract on H2, the default database.
 */
class H2SessionTrackingTests extends SessionTrackingContract {

}

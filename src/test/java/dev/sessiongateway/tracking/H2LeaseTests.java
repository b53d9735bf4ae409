package dev.sessiongateway.tracking;

/**
 * The lease contract on H2, the default database.
 */
class H2LeaseTests extends LeaseContract {

}

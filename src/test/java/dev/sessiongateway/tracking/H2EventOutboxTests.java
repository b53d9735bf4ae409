package dev.sessiongateway.tracking;

/**
 * The events contract on H2, the default database.
 */
class H2EventOutboxTests extends EventOutboxContract {

}

package dev.sessiongateway.tracking;

/**
 * The caps contract on H2, the default database.
 */
class H2SessionCapsTests extends SessionCapsContract {

}

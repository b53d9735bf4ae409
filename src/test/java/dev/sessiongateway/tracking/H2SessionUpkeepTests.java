package dev.sessiongateway.tracking;

/**
 * Background work on H2, the default database.
 */
class H2SessionUpkeepTests extends SessionUpkeepContract {

}

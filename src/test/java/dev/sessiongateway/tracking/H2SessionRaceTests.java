package dev.sessiongateway.tracking;

/**
 * The race and fault contract on H2, the default database.
 */
class H2SessionRaceTests extends SessionRaceContract {

}

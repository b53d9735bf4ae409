package dev.sessiongateway.tracking;

/**
 * The usage contract on H2, the default database.
 */
class H2UsageTests extends UsageContract {

}

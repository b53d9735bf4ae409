package dev.sessiongateway.tracking;

/**
 * The idempotency key contract on H2, the default database.
 */
class H2IdempotencyKeyTests extends IdempotencyKeyContract {

}

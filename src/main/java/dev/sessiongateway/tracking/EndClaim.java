package dev.sessiongateway.tracking;

/**
 * An ENDING row claimed by one replica's background work: nobody else claims it until its
 * lease runs out, and its outcome is recorded only while the row is as the claim left it.
 *
 * @param id the row
 * @param provider the provider that holds the session
 * @param scope the project or account
 * @param sessionId the provider's session id
 * @param attempts the end attempts counted so far, this one included
 * @param version the row's version after the claim
 * @param verifyFirst whether the provider is first asked whether the session exists (a
 * compensated create past the time it could still land)
 */
public record EndClaim(long id, String provider, String scope, String sessionId, int attempts, long version,
		boolean verifyFirst) {

}

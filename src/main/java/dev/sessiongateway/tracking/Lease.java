package dev.sessiongateway.tracking;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A lease a client holds on its sessions, as other packages see it.
 *
 * @param id the lease's id, as the client names it ({@code Gateway-Lease})
 * @param client the client that holds it
 * @param ttl how long it lives without a keep-alive
 * @param expiresAt when it expires unless it is kept alive
 * @param state where it stands
 * @param ownSession whether the gateway granted it for one session of a client with a
 * default lease time to live
 */
public record Lease(String id, String client, Duration ttl, Instant grantedAt, Instant expiresAt, LeaseState state,
		@Nullable Instant endedAt, boolean ownSession) {

	/** Whether sessions may still be attached to it and it may be kept alive. */
	public boolean isLive(Instant now) {
		return this.state == LeaseState.ACTIVE && this.expiresAt.isAfter(now);
	}

}

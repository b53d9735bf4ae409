package dev.sessiongateway.tracking;

/**
 * Where a lease stands. An ACTIVE lease ends its sessions when it expires (EXPIRING) or
 * is revoked (REVOKING), and is DONE once none of them is left opening or active.
 */
public enum LeaseState {

	ACTIVE, EXPIRING, REVOKING, DONE

}

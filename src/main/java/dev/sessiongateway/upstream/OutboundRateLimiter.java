package dev.sessiongateway.upstream;

/**
 * A token bucket holding the gateway to a number of requests per minute towards one
 * provider. A limit of zero or less means no limit.
 */
final class OutboundRateLimiter {

	private final int perMinute;

	private final double tokensPerNano;

	private double tokens;

	private long refilledAt;

	OutboundRateLimiter(int perMinute) {
		this.perMinute = perMinute;
		this.tokensPerNano = perMinute / 60e9;
		this.tokens = perMinute;
		this.refilledAt = System.nanoTime();
	}

	/**
	 * Takes a token if one is there.
	 * @return 0 when the request may go, otherwise the seconds until a token is due
	 */
	synchronized long tryAcquire() {
		if (this.perMinute <= 0) {
			return 0;
		}
		long now = System.nanoTime();
		this.tokens = Math.min(this.perMinute, this.tokens + (now - this.refilledAt) * this.tokensPerNano);
		this.refilledAt = now;
		if (this.tokens >= 1) {
			this.tokens -= 1;
			return 0;
		}
		return Math.max(1, (long) Math.ceil((1 - this.tokens) / this.tokensPerNano / 1e9));
	}

}

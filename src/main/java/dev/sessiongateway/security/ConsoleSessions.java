package dev.sessiongateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.sessiongateway.security.ClientKeys.KnownKey;

/**
 * Ops console sign-ins, kept in the database so that every replica knows them. The
 * browser holds a random token; only its SHA-256 is stored. A sign-in ends when it is not
 * used for {@code idle-timeout}, {@code lifetime} after it was made, when it is signed
 * out, and when the key it was made with is no longer configured or has lost the ops
 * role.
 */
@Component
class ConsoleSessions {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final JdbcClient jdbc;

	private final ClientKeys keys;

	private final Clock clock;

	private final Duration idleTimeout;

	private final Duration lifetime;

	/** How stale idle_until may get before a use moves it on: not every use writes. */
	private final Duration touchAfter;

	ConsoleSessions(JdbcClient jdbc, ClientKeys keys, Clock clock, ConsoleProperties properties) {
		this.jdbc = jdbc;
		this.keys = keys;
		this.clock = clock;
		this.idleTimeout = properties.idleTimeout();
		this.lifetime = properties.lifetime();
		Duration tenth = this.idleTimeout.dividedBy(10);
		this.touchAfter = (tenth.compareTo(Duration.ofMinutes(1)) < 0) ? tenth : Duration.ofMinutes(1);
	}

	/**
	 * A signed-in console: the client, the hash of the token the browser holds, the CSRF
	 * token that state-changing requests must carry, and when it ends at the latest.
	 */
	record ConsoleSession(GatewayClient client, String tokenSha256, String csrfToken, Instant expiresAt) {
	}

	/**
	 * A new sign-in: the token for the browser's cookie, and the sign-in it stands for.
	 */
	record SignIn(String token, ConsoleSession session) {
	}

	/** A new sign-in for a key with the ops role; its token goes to the browser only. */
	SignIn start(KnownKey key) {
		Instant now = this.clock.instant();
		this.jdbc.sql("delete from console_session where idle_until < ?").param(at(now)).update();
		byte[] random = new byte[32];
		RANDOM.nextBytes(random);
		String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
		Instant expiresAt = now.plus(this.lifetime);
		this.jdbc.sql("""
				insert into console_session (token_sha256, client, key_ref, created_at, idle_until, expires_at)
				values (?, ?, ?, ?, ?, ?)""")
			.params(hash(token), key.client().name(), key.ref(), at(now), at(idleUntil(now, expiresAt)), at(expiresAt))
			.update();
		return new SignIn(token, new ConsoleSession(key.client(), hash(token), csrfToken(token), expiresAt));
	}

	/**
	 * The live sign-in a token belongs to; when this is a use of it (not a read the page
	 * made on its own), its idle timeout moves on.
	 */
	Optional<ConsoleSession> find(String token, boolean use) {
		String tokenSha256 = hash(token);
		Instant now = this.clock.instant();
		Optional<Row> found = this.jdbc
			.sql("select key_ref, idle_until, expires_at from console_session where token_sha256 = ?")
			.param(tokenSha256)
			.query((rs, n) -> new Row(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
					rs.getObject(3, OffsetDateTime.class).toInstant()))
			.optional();
		if (found.isEmpty() || !now.isBefore(found.get().idleUntil())) {
			return Optional.empty();
		}
		GatewayClient client = this.keys.findByRef(found.get().keyRef());
		if (client == null || !client.roles().contains(Role.OPS)) {
			end(tokenSha256);
			return Optional.empty();
		}
		Instant idleUntil = idleUntil(now, found.get().expiresAt());
		if (use && Duration.between(found.get().idleUntil(), idleUntil).compareTo(this.touchAfter) >= 0) {
			this.jdbc.sql("update console_session set idle_until = ? where token_sha256 = ?")
				.params(at(idleUntil), tokenSha256)
				.update();
		}
		return Optional.of(new ConsoleSession(client, tokenSha256, csrfToken(token), found.get().expiresAt()));
	}

	/** Ends a sign-in, on every replica at once. */
	void end(String tokenSha256) {
		this.jdbc.sql("delete from console_session where token_sha256 = ?").param(tokenSha256).update();
	}

	/** Whether a presented CSRF token is this sign-in's, compared in constant time. */
	static boolean isCsrfToken(ConsoleSession session, String presented) {
		return MessageDigest.isEqual(session.csrfToken().getBytes(StandardCharsets.US_ASCII),
				presented.getBytes(StandardCharsets.UTF_8));
	}

	private Instant idleUntil(Instant now, Instant expiresAt) {
		Instant idle = now.plus(this.idleTimeout);
		return idle.isBefore(expiresAt) ? idle : expiresAt;
	}

	/**
	 * The CSRF token of a sign-in: derived from its token, so that it needs no storage,
	 * is known to no one who lacks the cookie, and cannot be read from the table.
	 */
	private static String csrfToken(String token) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(ClientKeys.sha256("csrf:" + token));
	}

	private static String hash(String token) {
		return HexFormat.of().formatHex(ClientKeys.sha256(token));
	}

	private static OffsetDateTime at(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	private record Row(String keyRef, Instant idleUntil, Instant expiresAt) {
	}

}

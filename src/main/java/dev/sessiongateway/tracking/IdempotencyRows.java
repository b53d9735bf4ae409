package dev.sessiongateway.tracking;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.sessiongateway.ledger.Ledger;

import static dev.sessiongateway.tracking.SessionStore.at;

/**
 * The idempotency key table ({@code idempotency_key}) in plain JDBC, its columns listed
 * once. Every write runs in the calling code's transaction.
 */
@Component
class IdempotencyRows {

	private static final String COLUMNS = "client, idem_key, fingerprint, request, session_row, created_at, expires_at, "
			+ "answered_at, answer";

	private final JdbcTemplate jdbc;

	IdempotencyRows(Ledger ledger) {
		this.jdbc = ledger.jdbc();
	}

	/**
	 * A key as an open claims it: whose it is, the claim, the fingerprint of the request
	 * and how long a request that holds the key may take before its answer counts as
	 * lost.
	 */
	record Claim(String client, IdempotencyClaim claim, String fingerprint, Duration lostAfter) {
	}

	/** A key as stored. */
	record Stored(String fingerprint, String request, @Nullable Long sessionRow, Instant createdAt, Instant expiresAt,
			byte @Nullable [] answer) {

		boolean isLive(Instant now) {
			return this.expiresAt.isAfter(now);
		}

	}

	/**
	 * What identifies a create's request: SHA-256 of its provider, scope and body, each
	 * length-prefixed so that no two requests run together into one.
	 */
	static String fingerprint(String provider, String scope, byte[] body) {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			for (byte[] part : List.of(provider.getBytes(StandardCharsets.UTF_8),
					scope.getBytes(StandardCharsets.UTF_8), body)) {
				digest.update(Integer.toString(part.length).getBytes(StandardCharsets.US_ASCII));
				digest.update((byte) ':');
				digest.update(part);
			}
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	Optional<Stored> find(String client, String key) {
		List<Stored> rows = this.jdbc.query(
				"select " + COLUMNS + " from idempotency_key where client = ? and idem_key = ?",
				IdempotencyRows::stored, client, key);
		return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
	}

	/**
	 * Makes way for a claim: a key whose window has passed is deleted (it may be used
	 * again); a live one refuses the claim.
	 * @throws IdempotencyKeyUsedException when the key is held
	 */
	void makeWay(Claim claim, Instant now) {
		Optional<Stored> stored = find(claim.client(), claim.claim().key());
		if (stored.isEmpty()) {
			return;
		}
		if (stored.get().isLive(now)) {
			throw used(stored.get(), claim, now);
		}
		this.jdbc.update("delete from idempotency_key where client = ? and idem_key = ? and expires_at <= ?",
				claim.client(), claim.claim().key(), at(now));
	}

	/**
	 * Says why a claim could not be recorded, when the key is why: another request
	 * recorded it first.
	 * @throws IdempotencyKeyUsedException when the key is held
	 */
	void explain(Claim claim, Instant now) {
		Optional<Stored> stored = find(claim.client(), claim.claim().key());
		if (stored.isPresent() && stored.get().isLive(now)) {
			throw used(stored.get(), claim, now);
		}
	}

	/** How a live key holds a claim off. */
	private static IdempotencyKeyUsedException used(Stored stored, Claim claim, Instant now) {
		if (!stored.fingerprint().equals(claim.fingerprint())) {
			return new IdempotencyKeyUsedException(IdempotencyKeyUsedException.Use.OTHER_REQUEST, null);
		}
		if (stored.answer() != null) {
			return new IdempotencyKeyUsedException(IdempotencyKeyUsedException.Use.ANSWERED, stored.answer());
		}
		return stored.createdAt().plus(claim.lostAfter()).isAfter(now)
				? new IdempotencyKeyUsedException(IdempotencyKeyUsedException.Use.IN_FLIGHT, null)
				: new IdempotencyKeyUsedException(IdempotencyKeyUsedException.Use.ANSWER_LOST, null);
	}

	/** Records a claimed key, held by its request until it is answered or let go. */
	void insert(Claim claim, long sessionRow, Instant now) {
		this.jdbc.update("insert into idempotency_key (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
				claim.client(), claim.claim().key(), claim.fingerprint(), claim.claim().request(), sessionRow, at(now),
				at(now.plus(claim.claim().window())), null, null);
	}

	/**
	 * Lets a key go that its request holds unanswered: the request certainly had no
	 * effect, and the key may be used again at once.
	 */
	void release(String client, IdempotencyClaim claim) {
		this.jdbc.update(
				"delete from idempotency_key where client = ? and idem_key = ? and request = ? and answer is null",
				client, claim.key(), claim.request());
	}

	/**
	 * Stores the answer of the request that holds the key.
	 * @return whether that request holds it unanswered (otherwise nothing is stored)
	 */
	boolean answer(String client, String key, String request, byte[] answer, Instant now) {
		return this.jdbc.update(
				"update idempotency_key set answer = ?, answered_at = ? where client = ? and idem_key = ? "
						+ "and request = ? and answer is null and expires_at > ?",
				answer, at(now), client, key, request, at(now)) == 1;
	}

	/**
	 * Deletes up to {@code batch} keys whose window has passed, with their answers,
	 * skipping rows another transaction holds.
	 * @return how many were deleted
	 */
	int purge(Instant now, int batch) {
		List<Object[]> keys = this.jdbc.query(
				"select client, idem_key from idempotency_key where expires_at <= ? "
						+ "order by expires_at fetch first ? rows only for update skip locked",
				(rs, row) -> new Object[] { rs.getString("client"), rs.getString("idem_key") }, at(now), batch);
		keys.forEach((key) -> this.jdbc.update("delete from idempotency_key where client = ? and idem_key = ?", key));
		return keys.size();
	}

	private static Stored stored(ResultSet rs, int row) throws SQLException {
		long sessionRow = rs.getLong("session_row");
		return new Stored(rs.getString("fingerprint"), rs.getString("request"), rs.wasNull() ? null : sessionRow,
				rs.getObject("created_at", OffsetDateTime.class).toInstant(),
				rs.getObject("expires_at", OffsetDateTime.class).toInstant(), rs.getBytes("answer"));
	}

}

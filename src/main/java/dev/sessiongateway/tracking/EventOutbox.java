package dev.sessiongateway.tracking;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionException;

import dev.sessiongateway.ledger.Ledger;

import static dev.sessiongateway.tracking.SessionStore.at;

/**
 * The outbox of events to callers ({@code event_outbox}), its columns listed once. An
 * event is added in the transaction of the change it tells of ({@link CallerEvents}), so
 * it exists exactly when that change was committed. Delivery claims due rows one by one
 * on any number of replicas, as background work claims ends: the claim counts the attempt
 * and pushes {@code next_attempt_at} a lease ahead, so a replica that dies mid-delivery
 * leaves the row to another once the lease is over; an outcome is a compare-and-set on
 * the row's version. Every attempt carries the same event id, so an event is delivered at
 * least once and receivers can tell a repeat.
 */
@Service
public class EventOutbox {

	private static final String COLUMNS = "id, event_id, client, event_type, session_ref, lease_id, payload, status, "
			+ "created_at, next_attempt_at, attempts, last_attempt_at, last_error, finished_at, version";

	private static final String INSERT = "insert into event_outbox (event_id, client, event_type, session_ref, "
			+ "lease_id, payload, status, created_at, next_attempt_at) values (?, ?, ?, ?, ?, ?, 'PENDING', ?, ?)";

	/**
	 * PENDING rows due for an attempt, oldest due first (index on status, next attempt).
	 */
	private static final String DUE = "select id, event_id, client, event_type, payload, created_at, attempts, "
			+ "version from event_outbox where status = 'PENDING' and next_attempt_at <= ? "
			+ "order by next_attempt_at fetch first ? rows only for update skip locked";

	private static final SecureRandom RANDOM = new SecureRandom();

	private final JdbcTemplate jdbc;

	private final Ledger ledger;

	EventOutbox(Ledger ledger) {
		this.ledger = ledger;
		this.jdbc = ledger.jdbc();
	}

	/**
	 * Adds an event, due at once, in the calling code's transaction.
	 * @return its event id
	 */
	String add(String client, EventType type, @Nullable Long sessionRef, @Nullable String lease, String payload,
			Instant at) {
		byte[] bits = new byte[16];
		RANDOM.nextBytes(bits);
		String eventId = "evt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
		this.jdbc.update(INSERT, eventId, client, type.wireName(), sessionRef, lease, payload, at(at), at(at));
		return eventId;
	}

	/**
	 * Claims up to {@code batch} events due at {@code now}, skipping rows another
	 * transaction holds: each counts one more attempt and is not due again before
	 * {@code leaseUntil}, so no other replica takes it meanwhile.
	 */
	public List<OutboxEvent> claimDue(Instant now, int batch, Instant leaseUntil) {
		return write("due events could not be claimed", () -> {
			List<OutboxEvent> due = this.jdbc.query(DUE,
					(rs, row) -> new OutboxEvent(rs.getLong("id"), rs.getString("event_id"), rs.getString("client"),
							EventType.ofWireName(rs.getString("event_type")), rs.getString("payload"),
							time(rs, "created_at"), rs.getInt("attempts") + 1, rs.getLong("version") + 1),
					at(now), batch);
			for (OutboxEvent event : due) {
				this.jdbc.update(
						"update event_outbox set attempts = ?, next_attempt_at = ?, last_attempt_at = ?, "
								+ "version = ? where id = ?",
						event.attempts(), at(leaseUntil), at(now), event.version(), event.id());
			}
			return due;
		});
	}

	/**
	 * The receiver answered 2xx.
	 * @return false when the claim was no longer the row's (another replica took it)
	 */
	public boolean delivered(OutboxEvent event, Instant now) {
		return finish(event, EventStatus.DELIVERED, null, now);
	}

	/**
	 * An attempt failed: the event is due again at {@code nextAttemptAt}.
	 * @return false when the claim was no longer the row's
	 */
	public boolean failed(OutboxEvent event, String error, Instant nextAttemptAt) {
		return update(event, "status = 'PENDING', next_attempt_at = ?, last_error = ?", at(nextAttemptAt),
				truncate(error));
	}

	/**
	 * The gateway gives up on the event (FAILED): it is not tried again.
	 * @return false when the claim was no longer the row's
	 */
	public boolean gaveUp(OutboxEvent event, String error, Instant now) {
		return finish(event, EventStatus.FAILED, error, now);
	}

	private boolean finish(OutboxEvent event, EventStatus status, @Nullable String error, Instant now) {
		return update(event, "status = ?, next_attempt_at = null, last_error = ?, finished_at = ?", status.name(),
				truncate(error), at(now));
	}

	private boolean update(OutboxEvent event, String set, @Nullable Object... values) {
		List<@Nullable Object> args = new ArrayList<>(java.util.Arrays.asList(values));
		args.add(event.id());
		args.add(event.version());
		return write("the event's delivery could not be recorded",
				() -> this.jdbc.update(
						"update event_outbox set " + set
								+ ", version = version + 1 where id = ? and version = ? and status = 'PENDING'",
						args.toArray()) == 1);
	}

	/**
	 * Up to {@code limit} events, newest first, in one status (all when null) and of one
	 * client (all when null), with row ids below {@code before} (none when null).
	 */
	public List<OutboxEntry> find(@Nullable EventStatus status, @Nullable String client, @Nullable Long before,
			int limit) {
		StringBuilder sql = new StringBuilder("select " + COLUMNS + " from event_outbox where 1 = 1");
		List<Object> args = new ArrayList<>();
		if (status != null) {
			sql.append(" and status = ?");
			args.add(status.name());
		}
		if (client != null) {
			sql.append(" and client = ?");
			args.add(client);
		}
		if (before != null) {
			sql.append(" and id < ?");
			args.add(before);
		}
		sql.append(" order by id desc fetch first ? rows only");
		args.add(limit);
		return read(() -> this.jdbc.query(sql.toString(), EventOutbox::entry, args.toArray()));
	}

	/** The payload of one event, as it is sent. */
	public @Nullable String payload(long id) {
		return read(() -> this.jdbc.queryForList("select payload from event_outbox where id = ?", String.class, id)
			.stream()
			.findFirst()
			.orElse(null));
	}

	/** How many events are in this status. */
	public long count(EventStatus status) {
		Long count = read(() -> this.jdbc.queryForObject("select count(*) from event_outbox where status = ?",
				Long.class, status.name()));
		return (count != null) ? count : 0;
	}

	/**
	 * Deletes up to {@code batch} delivered or given-up events of each of those statuses
	 * that finished before {@code finishedBefore}.
	 * @return how many were deleted
	 */
	public int purge(Instant finishedBefore, int batch) {
		int purged = 0;
		for (EventStatus status : List.of(EventStatus.DELIVERED, EventStatus.FAILED)) {
			purged += write("finished events could not be purged", () -> {
				List<Long> ids = this.jdbc.queryForList(
						"select id from event_outbox where status = ? and "
								+ "finished_at < ? order by finished_at fetch first ? rows only for update skip locked",
						Long.class, status.name(), at(finishedBefore), batch);
				ids.forEach((id) -> this.jdbc.update("delete from event_outbox where id = ?", id));
				return ids.size();
			});
		}
		return purged;
	}

	private <T> T write(String failure, java.util.function.Supplier<T> work) {
		try {
			T result = this.ledger.transaction(work);
			if (result == null) {
				throw new IllegalStateException("unexpected null");
			}
			return result;
		}
		catch (DataAccessException | TransactionException ex) {
			throw new TrackingUnavailableException(failure, ex);
		}
	}

	private <T> T read(java.util.function.Supplier<T> query) {
		try {
			return query.get();
		}
		catch (DataAccessException | TransactionException ex) {
			throw new TrackingUnavailableException("events could not be read", ex);
		}
	}

	private static @Nullable String truncate(@Nullable String text) {
		return (text == null || text.length() <= Session.MAX_ERROR_LENGTH) ? text
				: text.substring(0, Session.MAX_ERROR_LENGTH);
	}

	private static OutboxEntry entry(ResultSet rs, int row) throws SQLException {
		return new OutboxEntry(rs.getLong("id"), rs.getString("event_id"), rs.getString("client"),
				EventType.ofWireName(rs.getString("event_type")), rs.getObject("session_ref", Long.class),
				rs.getString("lease_id"), EventStatus.valueOf(rs.getString("status")), time(rs, "created_at"),
				rs.getInt("attempts"), nullableTime(rs, "next_attempt_at"), nullableTime(rs, "last_attempt_at"),
				rs.getString("last_error"), nullableTime(rs, "finished_at"));
	}

	private static Instant time(ResultSet rs, String column) throws SQLException {
		return rs.getObject(column, OffsetDateTime.class).toInstant();
	}

	private static @Nullable Instant nullableTime(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

}

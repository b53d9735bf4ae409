package dev.sessiongateway.tracking;

import java.sql.Savepoint;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.sessiongateway.ledger.Ledger;

import static dev.sessiongateway.tracking.SessionStore.at;

/**
 * Counts each client's usage per provider, scope and UTC day ({@code usage_daily}) and
 * the opens and ends per provider and hour ({@code activity_hourly}) from the changes
 * that start and end held sessions ({@link Session#held()}), in the transactions that
 * make them: a session counts one open on the day its create was confirmed, and its time
 * from then until it is over, split at each midnight.
 * <p>
 * A session that is still held has its confirmation counted ({@code live} sessions and
 * the sum of their confirmation times, on the day of the confirmation); its time so far
 * is added when the counts are read ({@link UsageQueries}). When it ends, it leaves
 * {@code live} and its time is added to each day it spanned. Every count is an increment,
 * so that the order in which transactions commit does not matter.
 * <p>
 * The increments of one transaction are added up and written just before it commits, row
 * by row in one fixed order: a group commit carries the changes of many sessions, and
 * rows that many transactions increment (the hour's row of a provider, a busy client's
 * day) are then locked last, for the commit alone, and always in the same order, so that
 * two transactions never wait for each other's counts (on PostgreSQL, two groups that
 * incremented them in the order of their units deadlocked). A unit of a group that is
 * rolled back to its savepoint takes its increments with it.
 */
@Component
class SessionActivity {

	static final long DAY_US = micros(Duration.ofDays(1));

	private static final String ADD_DAY = """
			update usage_daily set opens = opens + ?, session_us = session_us + ?, live = live + ?,
			live_since_us = live_since_us + ? where utc_day = ? and client = ? and provider = ? and scope = ?""";

	private static final String INSERT_DAY = """
			insert into usage_daily (opens, session_us, live, live_since_us, utc_day, client, provider, scope)
			values (?, ?, ?, ?, ?, ?, ?, ?)""";

	private static final String ADD_HOUR = """
			update activity_hourly set opens = opens + ?, ends = ends + ? where utc_hour = ? and provider = ?""";

	private static final String INSERT_HOUR = """
			insert into activity_hourly (opens, ends, utc_hour, provider) values (?, ?, ?, ?)""";

	private final JdbcTemplate jdbc;

	SessionActivity(Ledger ledger) {
		this.jdbc = ledger.jdbc();
	}

	/**
	 * A change of the session was written in the current transaction: when it started or
	 * ended the session's hold, the counts move with it (written before the commit).
	 * @param wasHeld whether the session was held before the change
	 */
	void moved(Session session, boolean wasHeld) {
		boolean held = session.held();
		Instant confirmed = session.getConfirmedAt();
		if (held == wasHeld || confirmed == null) {
			return;
		}
		Key key = new Key(session.getClient(), session.getProvider(), session.getScope());
		if (held) {
			tally().started(key, confirmed);
		}
		else {
			Instant ended = (session.getEndedAt() != null) ? session.getEndedAt() : session.getUpdatedAt();
			tally().ended(key, confirmed, ended);
		}
	}

	private Tally tally() {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			throw new IllegalStateException("sessions are counted only in a transaction");
		}
		Tally tally = (Tally) TransactionSynchronizationManager.getResource(this);
		if (tally == null) {
			tally = new Tally();
			TransactionSynchronizationManager.bindResource(this, tally);
			TransactionSynchronizationManager.registerSynchronization(tally);
		}
		return tally;
	}

	/** The UTC day an instant falls on. */
	static LocalDate day(Instant instant) {
		return LocalDate.ofInstant(instant, ZoneOffset.UTC);
	}

	/** When a UTC day starts. */
	static Instant start(LocalDate day) {
		return day.atStartOfDay(ZoneOffset.UTC).toInstant();
	}

	/** Microseconds from the start of its UTC day to an instant. */
	static long intoDay(Instant instant) {
		return micros(Duration.between(start(day(instant)), instant));
	}

	/** A duration in whole microseconds (the clock tells no finer). */
	static long micros(Duration duration) {
		return duration.toNanos() / 1_000;
	}

	/** Whose sessions a count is of. */
	record Key(String client, String provider, String scope) {
	}

	/** One row of {@code usage_daily}. */
	private record DayRow(LocalDate day, Key key) implements Comparable<DayRow> {

		private static final Comparator<DayRow> ORDER = Comparator.comparing(DayRow::day)
			.thenComparing((row) -> row.key().client())
			.thenComparing((row) -> row.key().provider())
			.thenComparing((row) -> row.key().scope());

		@Override
		public int compareTo(DayRow other) {
			return ORDER.compare(this, other);
		}

	}

	/** One row of {@code activity_hourly}. */
	private record HourRow(Instant hour, String provider) implements Comparable<HourRow> {

		private static final Comparator<HourRow> ORDER = Comparator.comparing(HourRow::hour)
			.thenComparing(HourRow::provider);

		@Override
		public int compareTo(HourRow other) {
			return ORDER.compare(this, other);
		}

	}

	/** Column positions of a day's increments. */
	private static final int OPENS = 0;

	private static final int SESSION_US = 1;

	private static final int LIVE = 2;

	private static final int LIVE_SINCE_US = 3;

	/** Column positions of an hour's increments. */
	private static final int ENDS = 1;

	/** The increments of one transaction, written just before it commits. */
	private final class Tally implements TransactionSynchronization {

		private TreeMap<DayRow, long[]> days = new TreeMap<>();

		private TreeMap<HourRow, long[]> hours = new TreeMap<>();

		/** The increments as they were when each savepoint was made. */
		private final Map<Object, Tally> atSavepoints = new IdentityHashMap<>();

		void started(Key key, Instant confirmed) {
			LocalDate day = day(confirmed);
			long[] counts = this.days.computeIfAbsent(new DayRow(day, key), (row) -> new long[4]);
			counts[OPENS]++;
			counts[LIVE]++;
			counts[LIVE_SINCE_US] += intoDay(confirmed);
			hour(confirmed, key.provider())[OPENS]++;
		}

		void ended(Key key, Instant confirmed, Instant endedAt) {
			Instant ended = endedAt.isBefore(confirmed) ? confirmed : endedAt;
			long[] counts = this.days.computeIfAbsent(new DayRow(day(confirmed), key), (row) -> new long[4]);
			counts[LIVE]--;
			counts[LIVE_SINCE_US] -= intoDay(confirmed);
			for (LocalDate day = day(confirmed); !day.isAfter(day(ended)); day = day.plusDays(1)) {
				Instant from = start(day).isAfter(confirmed) ? start(day) : confirmed;
				Instant to = start(day.plusDays(1)).isBefore(ended) ? start(day.plusDays(1)) : ended;
				this.days.computeIfAbsent(new DayRow(day, key), (row) -> new long[4])[SESSION_US] += micros(
						Duration.between(from, to));
			}
			hour(ended, key.provider())[ENDS]++;
		}

		private long[] hour(Instant at, String provider) {
			return this.hours.computeIfAbsent(new HourRow(at.truncatedTo(ChronoUnit.HOURS), provider),
					(row) -> new long[2]);
		}

		private Tally copy() {
			Tally copy = new Tally();
			this.days.forEach((row, counts) -> copy.days.put(row, counts.clone()));
			this.hours.forEach((row, counts) -> copy.hours.put(row, counts.clone()));
			return copy;
		}

		@Override
		public void savepoint(Object savepoint) {
			this.atSavepoints.put(savepoint, copy());
		}

		/**
		 * Back to the increments as they were at the savepoint; one made before this
		 * transaction counted anything comes before all of them.
		 */
		@Override
		public void savepointRollback(Object savepoint) {
			Tally then = this.atSavepoints.get(savepoint);
			this.days = (then != null) ? then.copy().days : new TreeMap<>();
			this.hours = (then != null) ? then.copy().hours : new TreeMap<>();
		}

		@Override
		public void beforeCommit(boolean readOnly) {
			this.days.forEach((row, counts) -> {
				if (counts[OPENS] != 0 || counts[SESSION_US] != 0 || counts[LIVE] != 0 || counts[LIVE_SINCE_US] != 0) {
					add(ADD_DAY, INSERT_DAY, counts[OPENS], counts[SESSION_US], counts[LIVE], counts[LIVE_SINCE_US],
							row.day(), row.key().client(), row.key().provider(), row.key().scope());
				}
			});
			this.hours.forEach((row, counts) -> {
				if (counts[OPENS] != 0 || counts[ENDS] != 0) {
					add(ADD_HOUR, INSERT_HOUR, counts[OPENS], counts[ENDS], at(row.hour()), row.provider());
				}
			});
		}

		@Override
		public void afterCompletion(int status) {
			TransactionSynchronizationManager.unbindResourceIfPossible(SessionActivity.this);
		}

	}

	/**
	 * Adds to a row, making it first if need be: another transaction may make the same
	 * row at the same moment, so the insert runs under a savepoint of its own, and the
	 * one that finds the row made adds to it.
	 */
	private void add(String update, String insert, Object... args) {
		if (this.jdbc.update(update, args) > 0) {
			return;
		}
		boolean inserted = required(this.jdbc.execute((ConnectionCallback<Boolean>) (connection) -> {
			Savepoint savepoint = connection.setSavepoint();
			try {
				this.jdbc.update(insert, args);
				connection.releaseSavepoint(savepoint);
				return true;
			}
			catch (DataIntegrityViolationException ex) {
				connection.rollback(savepoint);
				return false;
			}
		}));
		if (!inserted && this.jdbc.update(update, args) != 1) {
			throw new IllegalStateException("a usage row could be neither made nor found");
		}
	}

	private static <T> T required(@Nullable T value) {
		if (value == null) {
			throw new IllegalStateException("unexpected null");
		}
		return value;
	}

}

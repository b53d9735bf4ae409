package dev.sessiongateway.tracking;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

import dev.sessiongateway.ledger.Ledger;

import static dev.sessiongateway.tracking.SessionActivity.DAY_US;
import static dev.sessiongateway.tracking.SessionActivity.day;
import static dev.sessiongateway.tracking.SessionActivity.micros;
import static dev.sessiongateway.tracking.SessionActivity.start;
import static dev.sessiongateway.tracking.SessionStore.at;

/**
 * What other packages may read of the usage and activity counted as sessions change
 * ({@link SessionActivity}): usage per client, provider, scope and day, and opens, ends
 * and held sessions per provider over the last hours and days. Both read the counts
 * alone, never the sessions' history; the time of sessions still held is worked out up to
 * the moment of the read.
 */
@Service
public class UsageQueries {

	private final JdbcTemplate jdbc;

	private final Clock clock;

	UsageQueries(Ledger ledger, Clock clock) {
		this.jdbc = ledger.jdbc();
		this.clock = clock;
	}

	/**
	 * What one client's sessions at one provider and scope used on one UTC day: the opens
	 * confirmed that day, and the session time within that day of every session held
	 * (from its confirmed create until it was over, or until {@code countedAt}).
	 */
	public record UsageDay(LocalDate day, String client, String provider, String scope, long opens,
			Duration sessionTime) {
	}

	/** The usage of the days from {@code from} to {@code to}, as of {@code countedAt}. */
	public record Usage(LocalDate from, LocalDate to, Instant countedAt, List<UsageDay> days) {
	}

	/**
	 * One provider's sessions in one hour or day (from {@code start}): the held sessions
	 * that began (opens) and ended (ends) in it, and how many were held at its end (at
	 * the moment of the read, for the one under way).
	 */
	public record Bucket(Instant start, String provider, long opens, long ends, long live) {
	}

	/** Buckets per hour and per UTC day, oldest first, as of {@code countedAt}. */
	public record Activity(Instant countedAt, List<Bucket> hourly, List<Bucket> daily) {
	}

	/**
	 * The usage of every UTC day from {@code from} to {@code to} (both included) that has
	 * any, in the order of day, client, provider and scope; each filter that is not null
	 * keeps only the rows with that value.
	 */
	public Usage usage(LocalDate from, LocalDate to, @Nullable String client, @Nullable String provider,
			@Nullable String scope) {
		Instant now = this.clock.instant();
		Map<Row, long[]> found = new TreeMap<>();
		StringBuilder sql = new StringBuilder(
				"select utc_day, client, provider, scope, opens, session_us from usage_daily where utc_day >= ? and utc_day <= ?");
		List<Object> args = new ArrayList<>(List.of(from, to));
		filters(sql, args, client, provider, scope);
		this.jdbc.query(sql.toString(), (rs) -> {
			long[] counts = found.computeIfAbsent(row(rs), (row) -> new long[2]);
			counts[0] += rs.getLong("opens");
			counts[1] += rs.getLong("session_us");
		}, args.toArray());
		LocalDate last = to.isBefore(day(now)) ? to : day(now);
		held(client, provider, scope).forEach((held) -> {
			for (LocalDate day = held.row().day().isAfter(from) ? held.row().day() : from; !day.isAfter(last); day = day
				.plusDays(1)) {
				Row row = new Row(day, held.row().client(), held.row().provider(), held.row().scope());
				found.computeIfAbsent(row, (key) -> new long[2])[1] += held.timeOn(day, now);
			}
		});
		List<UsageDay> days = new ArrayList<>();
		found.forEach((row, counts) -> {
			if (counts[0] != 0 || counts[1] != 0) {
				days.add(new UsageDay(row.day(), row.client(), row.provider(), row.scope(), counts[0],
						Duration.ofNanos(counts[1] * 1_000)));
			}
		});
		return new Usage(from, to, now, List.copyOf(days));
	}

	/**
	 * Opens, ends and held sessions of each provider (those named, and any with counts)
	 * in each of the last {@code hours} hours and the last {@code days} UTC days, the
	 * current ones included.
	 */
	public Activity activity(int hours, int days, Collection<String> providers) {
		Instant now = this.clock.instant();
		Instant firstHour = now.truncatedTo(ChronoUnit.HOURS).minus(hours - 1L, ChronoUnit.HOURS);
		Instant firstDay = start(day(now).minusDays(days - 1L));
		Map<String, Map<Instant, long[]>> byHour = new HashMap<>();
		Map<String, Map<Instant, long[]>> byDay = new HashMap<>();
		this.jdbc.query("select utc_hour, provider, opens, ends from activity_hourly where utc_hour >= ?", (rs) -> {
			Instant hour = rs.getObject("utc_hour", OffsetDateTime.class).toInstant();
			String provider = rs.getString("provider");
			long opens = rs.getLong("opens");
			long ends = rs.getLong("ends");
			for (var buckets : List.of(Map.entry(byHour, hour), Map.entry(byDay, start(day(hour))))) {
				long[] counts = buckets.getKey()
					.computeIfAbsent(provider, (name) -> new HashMap<>())
					.computeIfAbsent(buckets.getValue(), (start) -> new long[2]);
				counts[0] += opens;
				counts[1] += ends;
			}
		}, at(firstHour.isBefore(firstDay) ? firstHour : firstDay));
		Map<String, Long> live = new HashMap<>();
		held(null, null, null).forEach((held) -> live.merge(held.row().provider(), held.live(), Long::sum));
		TreeSet<String> named = new TreeSet<>(providers);
		named.addAll(byHour.keySet());
		named.addAll(live.keySet());
		List<Bucket> hourly = new ArrayList<>();
		List<Bucket> daily = new ArrayList<>();
		for (String provider : named) {
			long heldNow = live.getOrDefault(provider, 0L);
			hourly.addAll(buckets(provider, firstHour, Duration.ofHours(1), hours,
					byHour.getOrDefault(provider, Map.of()), heldNow));
			daily.addAll(buckets(provider, firstDay, Duration.ofDays(1), days, byDay.getOrDefault(provider, Map.of()),
					heldNow));
		}
		Comparator<Bucket> order = Comparator.comparing(Bucket::start).thenComparing(Bucket::provider);
		hourly.sort(order);
		daily.sort(order);
		return new Activity(now, List.copyOf(hourly), List.copyOf(daily));
	}

	/**
	 * One provider's buckets from {@code first}, with the sessions held at each one's end
	 * worked out backwards from those held now: each bucket's opens and ends are the
	 * change from the end of the one before.
	 */
	private static List<Bucket> buckets(String provider, Instant first, Duration size, int count,
			Map<Instant, long[]> counts, long liveNow) {
		Bucket[] buckets = new Bucket[count];
		long live = liveNow;
		for (int i = count - 1; i >= 0; i--) {
			Instant start = first.plus(size.multipliedBy(i));
			long[] moved = counts.getOrDefault(start, new long[2]);
			buckets[i] = new Bucket(start, provider, moved[0], moved[1], Math.max(0, live));
			live -= moved[0] - moved[1];
		}
		return List.of(buckets);
	}

	/**
	 * The counts of held sessions (by the day they were confirmed) that may bear on a
	 * read: none can have been confirmed before the oldest ACTIVE or ENDING session was
	 * created, so the days before it are not read.
	 */
	private List<Held> held(@Nullable String client, @Nullable String provider, @Nullable String scope) {
		Instant oldest = null;
		for (SessionStatus status : List.of(SessionStatus.ACTIVE, SessionStatus.ENDING)) {
			OffsetDateTime created = this.jdbc.queryForObject(
					"select min(created_at) from tracked_session where status = ?", OffsetDateTime.class,
					status.name());
			if (created != null && (oldest == null || created.toInstant().isBefore(oldest))) {
				oldest = created.toInstant();
			}
		}
		if (oldest == null) {
			return List.of();
		}
		StringBuilder sql = new StringBuilder("select utc_day, client, provider, scope, live, live_since_us from "
				+ "usage_daily where utc_day >= ? and live <> 0");
		List<Object> args = new ArrayList<>(List.of(day(oldest)));
		filters(sql, args, client, provider, scope);
		return this.jdbc.query(sql.toString(),
				(rs, n) -> new Held(row(rs), rs.getLong("live"), rs.getLong("live_since_us")), args.toArray());
	}

	private static void filters(StringBuilder sql, List<Object> args, @Nullable String client,
			@Nullable String provider, @Nullable String scope) {
		condition(sql, args, "client", client);
		condition(sql, args, "provider", provider);
		condition(sql, args, "scope", scope);
	}

	private static void condition(StringBuilder sql, List<Object> args, String column, @Nullable String value) {
		if (value != null) {
			sql.append(" and ").append(column).append(" = ?");
			args.add(value);
		}
	}

	private static Row row(java.sql.ResultSet rs) throws java.sql.SQLException {
		return new Row(rs.getObject("utc_day", LocalDate.class), rs.getString("client"), rs.getString("provider"),
				rs.getString("scope"));
	}

	/** The key of a row of {@code usage_daily}, in the order the usage is listed in. */
	private record Row(LocalDate day, String client, String provider, String scope) implements Comparable<Row> {

		private static final Comparator<Row> ORDER = Comparator.comparing(Row::day)
			.thenComparing(Row::client)
			.thenComparing(Row::provider)
			.thenComparing(Row::scope);

		@Override
		public int compareTo(Row other) {
			return ORDER.compare(this, other);
		}

	}

	/**
	 * {@code live} sessions confirmed on the row's day and held still, their confirmation
	 * times adding up to {@code sinceUs} milliseconds after the day's start.
	 */
	private record Held(Row row, long live, long sinceUs) {

		/**
		 * Their time within {@code day} up to {@code now}: each one from the start of the
		 * day, or from its confirmation on its own day.
		 */
		long timeOn(LocalDate day, Instant now) {
			long upTo = Math.min(DAY_US, micros(Duration.between(start(day), now)));
			long time = this.live * Math.max(0, upTo) - (day.equals(this.row.day()) ? this.sinceUs : 0);
			return Math.max(0, time);
		}

	}

}

package dev.sessiongateway.tracking;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Usage and activity counted anew from the sessions' history, the slow way a test can
 * trust: every session whose history moves it from OPENING to ACTIVE is held from that
 * entry until the first later entry that makes it ENDED, EXPIRED or FAILED (or until the
 * moment of the count), and that time is cut at each UTC midnight. Written without the
 * gateway's own arithmetic, to check it.
 */
final class UsageRecount {

	private static final Set<String> OVER = Set.of("ENDED", "EXPIRED", "FAILED");

	private UsageRecount() {
	}

	/** One held session, from its history. */
	record Held(String client, String provider, String scope, Instant confirmed, @Nullable Instant ended) {

		boolean heldAt(Instant at) {
			return this.confirmed.isBefore(at) && (this.ended == null || !this.ended.isBefore(at));
		}

	}

	static List<Held> held(JdbcTemplate jdbc) {
		Map<Long, Held> held = new LinkedHashMap<>();
		jdbc.query(
				"""
						select s.id, s.client, s.provider, s.scope, t.from_status, t.to_status, t.at
						from session_transition t join tracked_session s on s.id = t.session_ref order by t.session_ref, t.id""",
				(rs) -> {
					long id = rs.getLong("id");
					Instant at = rs.getObject("at", OffsetDateTime.class).toInstant();
					Held before = held.get(id);
					if (before == null && "OPENING".equals(rs.getString("from_status"))
							&& "ACTIVE".equals(rs.getString("to_status"))) {
						held.put(id, new Held(rs.getString("client"), rs.getString("provider"), rs.getString("scope"),
								at, null));
					}
					else if (before != null && before.ended() == null && OVER.contains(rs.getString("to_status"))) {
						held.put(id,
								new Held(before.client(), before.provider(), before.scope(), before.confirmed(), at));
					}
				});
		return new ArrayList<>(held.values());
	}

	/**
	 * Opens and session microseconds per "day client provider scope", for the days from
	 * {@code from} to {@code to}, as of {@code now}; days without either are left out.
	 */
	static Map<String, List<Long>> usage(List<Held> sessions, LocalDate from, LocalDate to, Instant now) {
		Map<String, long[]> counts = new TreeMap<>();
		for (Held session : sessions) {
			Instant end = (session.ended() != null) ? session.ended() : now;
			for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
				Instant dayStart = day.atStartOfDay(ZoneOffset.UTC).toInstant();
				Instant dayEnd = dayStart.plus(Duration.ofDays(1));
				String key = day + " " + session.client() + " " + session.provider() + " " + session.scope();
				if (!session.confirmed().isBefore(dayStart) && session.confirmed().isBefore(dayEnd)) {
					counts.computeIfAbsent(key, (k) -> new long[2])[0]++;
				}
				Instant overlapFrom = session.confirmed().isAfter(dayStart) ? session.confirmed() : dayStart;
				Instant overlapTo = end.isBefore(dayEnd) ? end : dayEnd;
				if (overlapTo.isAfter(overlapFrom)) {
					counts.computeIfAbsent(key, (k) -> new long[2])[1] += Duration.between(overlapFrom, overlapTo)
						.toNanos() / 1_000;
				}
			}
		}
		Map<String, List<Long>> usage = new TreeMap<>();
		counts.forEach((key, values) -> usage.put(key, List.of(values[0], values[1])));
		return usage;
	}

	/** The usage as the gateway answered it, in the same form. */
	static Map<String, List<Long>> usage(UsageQueries.Usage usage) {
		Map<String, List<Long>> found = new TreeMap<>();
		for (UsageQueries.UsageDay day : usage.days()) {
			found.put(day.day() + " " + day.client() + " " + day.provider() + " " + day.scope(),
					List.of(day.opens(), day.sessionTime().toNanos() / 1_000));
		}
		return found;
	}

	/**
	 * Opens, ends and held sessions at the end per "start provider" for {@code count}
	 * buckets of {@code size} from {@code first}; the last one ends at {@code now}.
	 */
	static Map<String, List<Long>> activity(List<Held> sessions, Set<String> providers, Instant first, Duration size,
			int count, Instant now) {
		Map<String, List<Long>> activity = new TreeMap<>();
		for (String provider : providers) {
			for (int i = 0; i < count; i++) {
				Instant start = first.plus(size.multipliedBy(i));
				Instant end = (i == count - 1) ? now : start.plus(size);
				long opens = 0;
				long ends = 0;
				long held = 0;
				for (Held session : sessions) {
					if (!session.provider().equals(provider)) {
						continue;
					}
					opens += within(session.confirmed(), start, size) ? 1 : 0;
					ends += (session.ended() != null && within(session.ended(), start, size)) ? 1 : 0;
					held += (i == count - 1) ? (session.ended() == null ? 1 : 0) : (session.heldAt(end) ? 1 : 0);
				}
				activity.put(start + " " + provider, List.of(opens, ends, held));
			}
		}
		return activity;
	}

	private static boolean within(Instant at, Instant start, Duration size) {
		return !at.isBefore(start) && at.isBefore(start.plus(size));
	}

	/** The buckets as the gateway answered them, in the same form. */
	static Map<String, List<Long>> activity(List<UsageQueries.Bucket> buckets) {
		Map<String, List<Long>> found = new TreeMap<>();
		for (UsageQueries.Bucket bucket : buckets) {
			found.put(bucket.start() + " " + bucket.provider(), List.of(bucket.opens(), bucket.ends(), bucket.live()));
		}
		return found;
	}

	/** When the hour of an instant starts. */
	static Instant hourOf(Instant at) {
		return at.truncatedTo(ChronoUnit.HOURS);
	}

}

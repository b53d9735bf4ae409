package dev.sessiongateway.tracking;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The ledger with an in-memory provider, on whichever database a subclass runs. Each
 * state change commits on its own, so the tests run outside a test transaction; every
 * test starts with empty tables and a provider that holds nothing.
 */
@JdbcTest
@Transactional(propagation = Propagation.NOT_SUPPORTED)
@Import({ SessionTracker.class, SessionEnds.class, SessionStore.class, SessionRows.class, SessionQueries.class,
		SessionMeters.class, Leases.class, LeaseRows.class, SessionUsage.class, SessionUpkeep.class,
		ConfiguredProviders.class, SessionActivity.class, UsageQueries.class, CallerEvents.class, EventOutbox.class,
		IdempotencyRows.class, IdempotencyKeys.class, TrackerTestConfiguration.class })
abstract class LedgerTestSupport {

	@Autowired
	SessionTracker tracker;

	@Autowired
	SessionStore store;

	@Autowired
	StoredSessions sessions;

	@Autowired
	StoredSessions transitions;

	@Autowired
	SessionQueries queries;

	@Autowired
	Leases leases;

	@Autowired
	TestLimits limits;

	@Autowired
	FakeProvider provider;

	@Autowired
	FlakyTransactions transactions;

	@Autowired
	MeterRegistry meters;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	SessionUpkeep upkeep;

	@Autowired
	IdempotencyKeys keys;

	@Autowired
	TestClock clock;

	@Autowired
	TestSubscribers subscribers;

	@BeforeEach
	void empty() {
		this.jdbc.update("delete from event_outbox");
		this.subscribers.clear();
		this.jdbc.update("delete from session_transition");
		this.jdbc.update("delete from tracked_session");
		this.provider.reset();
		this.transactions.failNext(0);
		this.clock.reset();
		this.jdbc.update("delete from lease");
		this.jdbc.update("delete from client_usage");
		this.jdbc.update("delete from usage_daily");
		this.jdbc.update("delete from activity_hourly");
		this.jdbc.update("delete from idempotency_key");
		this.limits.clear();
	}

	/** Background work: claims every due end and makes its call. */
	void endDueInBackground() {
		this.upkeep.claimDueEnds(100, this.provider.longestCall()).forEach(this.upkeep::attempt);
	}

}

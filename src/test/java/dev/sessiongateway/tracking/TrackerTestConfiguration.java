package dev.sessiongateway.tracking;

import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import dev.sessiongateway.ledger.Ledger;

/**
 * What the tracker needs besides the database, for repository-slice tests: a clock,
 * meters, settings, the in-memory provider, and transactions that a test can make fail.
 */
@TestConfiguration(proxyBeanMethods = false)
class TrackerTestConfiguration {

	@Bean
	TestClock clock() {
		return new TestClock();
	}

	@Bean
	MeterRegistry meterRegistry() {
		return new SimpleMeterRegistry();
	}

	@Bean
	TrackingProperties trackingProperties() {
		Map<String, String> settings = Map.of("gateway.sessions.end-deadline", "30m", "gateway.sessions.verify-after",
				VERIFY_AFTER.toString());
		return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("gateway.sessions",
				TrackingProperties.class);
	}

	/** A fixed delay, so that a test knows when a failed end is due again. */
	@Bean
	RetryPolicy retryPolicy() {
		return (attempts, retryAfter) -> (retryAfter != null && retryAfter.compareTo(RETRY_DELAY) > 0) ? retryAfter
				: RETRY_DELAY;
	}

	static final Duration RETRY_DELAY = Duration.ofSeconds(5);

	/** How long a create whose outcome is unknown may still land at the provider. */
	static final Duration VERIFY_AFTER = Duration.ofMinutes(2);

	@Bean
	FakeProvider fakeProvider() {
		return new FakeProvider("fake");
	}

	@Bean
	FlakyTransactions ledgerTransactions(DataSource dataSource) {
		return new FlakyTransactions(dataSource);
	}

	@Bean
	Ledger ledger(DataSource dataSource, FlakyTransactions transactions) throws java.sql.SQLException {
		try (java.sql.Connection connection = dataSource.getConnection()) {
			return new Ledger(dataSource, transactions, connection.getMetaData().getURL().startsWith("jdbc:h2:"));
		}
	}

	@Bean
	TestSubscribers eventSubscribers() {
		return new TestSubscribers();
	}

	/** As Boot makes it for the gateway: events are written with it. */
	@Bean
	JsonMapper jsonMapper() {
		return JsonMapper.builder().build();
	}

	@Bean
	TestLimits clientLimits() {
		return new TestLimits();
	}

	@Bean
	StoredSessions storedSessions(Ledger ledger) {
		return new StoredSessions(ledger.jdbc());
	}

}

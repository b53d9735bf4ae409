package dev.sessiongateway;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway refuses to start without the settings it cannot work without, and says
 * which: every problem of every group at once, each with its environment variable, never
 * with a value.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupValidationTests {

	private static final String HASH = "b606c5f8627d02065f5ad082858a7612189f77631976c9a5212f4b5d8aa0466a";

	private static final String OTHER_HASH = "24e29f6f9b06174f48d833c5cd2db2966eea8e5edacb80e365e81388e8277fdc";

	private static List<String> complete() {
		List<String> properties = new ArrayList<>(List.of("spring.datasource.url=jdbc:h2:mem:startup", "server.port=0",
				"gateway.pathors.api-key=dk_startup", "gateway.konpro.api-key=startup-key",
				"gateway.clients[0].name=svc", "gateway.clients[0].key-sha256=" + HASH,
				"gateway.clients[0].roles=sessions"));
		return properties;
	}

	private static String startupFailure(List<String> properties) {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SessionGatewayApplication.class)
			.web(WebApplicationType.SERVLET)
			.run(properties.stream().map((property) -> "--" + property).toArray(String[]::new))) {
			return null;
		}
		catch (RuntimeException ex) {
			StringBuilder messages = new StringBuilder();
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				messages.append(cause.getMessage()).append('\n');
			}
			return messages.toString();
		}
	}

	private static List<String> without(String prefix) {
		List<String> properties = complete();
		properties.removeIf((property) -> property.startsWith(prefix));
		return properties;
	}

	@Test
	void startsWithTheMinimalConfiguration() {
		assertThat(startupFailure(complete())).isNull();
	}

	@Test
	void refusesToStartWithoutThePathorsKey() {
		assertThat(startupFailure(without("gateway.pathors.api-key")))
			.contains("gateway.pathors.api-key (GATEWAY_PATHORS_API_KEY) is missing: the Pathors developer key");
	}

	@Test
	void refusesToStartWithoutTheKonproKey() {
		assertThat(startupFailure(without("gateway.konpro.api-key")))
			.contains("gateway.konpro.api-key (GATEWAY_KONPRO_API_KEY) is missing: the Konpro API key");
	}

	@Test
	void refusesToStartWithoutClients() {
		assertThat(startupFailure(without("gateway.clients"))).contains("no clients are configured");
	}

	@Test
	void refusesAKeyHashThatIsNotSha256Hex() {
		List<String> properties = without("gateway.clients[0].key-sha256");
		properties.add("gateway.clients[0].key-sha256=plain-text-key");

		assertThat(startupFailure(properties))
			.contains("gateway.clients[0].key-sha256[0] (GATEWAY_CLIENTS_0_KEY_SHA256) must be the SHA-256 of the key "
					+ "as 64 hex characters")
			.doesNotContain("plain-text-key");
	}

	@Test
	void refusesABaseUrlThatIsNotHttp() {
		List<String> properties = complete();
		properties.add("gateway.pathors.base-url=file:///etc/passwd");

		assertThat(startupFailure(properties))
			.contains("gateway.pathors.base-url (GATEWAY_PATHORS_BASE_URL) must be an http or https URL");
	}

	@Test
	void refusesANegativeWebhookClockSkew() {
		List<String> properties = complete();
		properties.add("gateway.pathors.webhook-max-skew=-1m");

		assertThat(startupFailure(properties))
			.contains("gateway.pathors.webhook-max-skew (GATEWAY_PATHORS_WEBHOOK_MAX_SKEW) must not be negative");
	}

	@Test
	void reportsEveryClientProblemAtOnce() {
		List<String> properties = without("gateway.clients");
		properties.add("gateway.clients[0].key-sha256=abc");
		properties.add("gateway.clients[1].name=other");

		assertThat(startupFailure(properties)).contains("gateway.clients[0].name (GATEWAY_CLIENTS_0_NAME) is missing")
			.contains("gateway.clients[0].key-sha256[0] (GATEWAY_CLIENTS_0_KEY_SHA256) must be")
			.contains(
					"gateway.clients[0].roles (GATEWAY_CLIENTS_0_ROLES) is missing: give one or more of sessions, ops")
			.contains("gateway.clients[1].key-sha256 (GATEWAY_CLIENTS_1_KEY_SHA256) is missing");
	}

	@Test
	void refusesAProviderKeyThatCouldBreakAHeader() {
		List<String> properties = without("gateway.pathors.api-key");
		properties.add("gateway.pathors.api-key=dk_line\r\nX-Injected: yes");

		assertThat(startupFailure(properties))
			.contains("gateway.pathors.api-key (GATEWAY_PATHORS_API_KEY) must be printable ASCII")
			.doesNotContain("X-Injected");
	}

	@Test
	void refusesAKonproKeyWithSpaces() {
		List<String> properties = without("gateway.konpro.api-key");
		properties.add("gateway.konpro.api-key=two words");

		assertThat(startupFailure(properties))
			.contains("gateway.konpro.api-key (GATEWAY_KONPRO_API_KEY) must be printable ASCII")
			.doesNotContain("two words");
	}

	@Test
	void reportsEveryProblemOfEveryGroupAtOnce(CapturedOutput output) {
		List<String> properties = new ArrayList<>(List.of("spring.datasource.url=jdbc:h2:mem:startup", "server.port=0",
				"gateway.sessions.retention=0s", "gateway.sessions.worker.batch=0", "gateway.sessions.end-deadline=-1m",
				"gateway.ops.stats-max-age=-1s", "gateway.pathors.projects.p1.api-key=",
				"gateway.web.max-request-size=big", "gateway.konpro.read-timeout=soon",
				"gateway.pathors.max-connections=0"));

		assertThat(startupFailure(properties)).contains("The gateway's settings have 11 problems")
			.contains("gateway.pathors.api-key (GATEWAY_PATHORS_API_KEY) is missing")
			.contains(
					"gateway.pathors.max-connections (GATEWAY_PATHORS_MAX_CONNECTIONS) must be greater than or equal to 1")
			.contains("gateway.pathors.projects.p1.api-key (GATEWAY_PATHORS_PROJECTS_P1_API_KEY) is missing")
			.contains("gateway.konpro.api-key (GATEWAY_KONPRO_API_KEY) is missing")
			.contains("gateway.konpro.read-timeout (GATEWAY_KONPRO_READ_TIMEOUT) must be a duration such as")
			.contains("no clients are configured: set gateway.clients[0].name (GATEWAY_CLIENTS_0_NAME)")
			.contains("gateway.sessions.retention (GATEWAY_SESSIONS_RETENTION) must be positive")
			.contains(
					"gateway.sessions.worker.batch (GATEWAY_SESSIONS_WORKER_BATCH) must be greater than or equal to 1")
			.contains("gateway.sessions.end-deadline (GATEWAY_SESSIONS_END_DEADLINE) must be positive")
			.contains("gateway.ops.stats-max-age (GATEWAY_OPS_STATS_MAX_AGE) must not be negative")
			.contains("gateway.web.max-request-size (GATEWAY_WEB_MAX_REQUEST_SIZE) must be a size such as")
			.doesNotContain("soon")
			.doesNotContain("big");
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
			.contains("gateway.sessions.retention (GATEWAY_SESSIONS_RETENTION) must be positive")
			.doesNotContain("soon");
	}

	@Test
	void backgroundSettingsThatDoNotFitTheProvidersAreListedWithEveryOtherProblem() {
		List<String> properties = without("gateway.pathors.api-key");
		properties.add("gateway.pathors.read-timeout=5m");
		properties.add("gateway.sessions.max-age.pathor=1h");
		properties.add("gateway.sessions.worker.min-backoff=2m");

		assertThat(startupFailure(properties)).contains("The gateway's settings have 6 problems")
			.contains("gateway.pathors.api-key (GATEWAY_PATHORS_API_KEY) is missing")
			.contains("gateway.sessions.opening-timeout (GATEWAY_SESSIONS_OPENING_TIMEOUT) (PT2M) must be at least the "
					+ "longest provider call (pool wait + connect + read timeout) plus 10s: PT5M13S")
			.contains("gateway.sessions.worker.lease (GATEWAY_SESSIONS_WORKER_LEASE) (PT2M) must be at least")
			.contains("gateway.sessions.verify-after (GATEWAY_SESSIONS_VERIFY_AFTER) (PT2M) must be at least")
			.contains("gateway.sessions.max-age.pathor (GATEWAY_SESSIONS_MAX_AGE_PATHOR) names no provider "
					+ "(known: konpro, pathors)")
			.contains("gateway.sessions.worker.min-backoff (GATEWAY_SESSIONS_WORKER_MIN_BACKOFF) must not be longer "
					+ "than gateway.sessions.worker.max-backoff (GATEWAY_SESSIONS_WORKER_MAX_BACKOFF)");
	}

	@Test
	void anUnknownRoleListsTheValidOnes() {
		List<String> properties = without("gateway.clients[0].roles");
		properties.add("gateway.clients[0].roles=sessions,admin");

		assertThat(startupFailure(properties))
			.contains("gateway.clients[0].roles (GATEWAY_CLIENTS_0_ROLES) must be one of sessions, ops")
			.doesNotContain("is missing")
			.doesNotContain("admin");
	}

	@Test
	void aKonproFlagThatIsNeitherTrueNorFalseIsNamedWithoutItsValue() {
		List<String> properties = complete();
		properties.add("gateway.clients[0].konpro=sometimes");

		assertThat(startupFailure(properties)).contains("The gateway's settings have 1 problem")
			.contains("gateway.clients[0].konpro (GATEWAY_CLIENTS_0_KONPRO) must be true or false (value not shown)")
			.doesNotContain("sometimes");
	}

	@Test
	void aHashPastedFromSha256sumGetsAHint() {
		List<String> properties = without("gateway.clients[0].key-sha256");
		properties.add("gateway.clients[0].key-sha256=" + HASH + "  -");

		assertThat(startupFailure(properties))
			.contains("gateway.clients[0].key-sha256[0] (GATEWAY_CLIENTS_0_KEY_SHA256) must be the 64 hex characters "
					+ "alone, but it goes on with what sha256sum prints after them (\"  -\")")
			.contains("| sha256sum | cut -d' ' -f1")
			.doesNotContain(HASH);
	}

	@Test
	void refusesTwoClientsWithOneKeyHashNamingBothButNotTheHash(CapturedOutput output) {
		List<String> properties = complete();
		properties.add("gateway.clients[1].name=ops-team");
		properties.add("gateway.clients[1].key-sha256=" + OTHER_HASH);
		properties.add("gateway.clients[1].roles=ops");
		properties.add("gateway.clients[2].name=other-ops");
		properties.add("gateway.clients[2].key-sha256=" + OTHER_HASH + "," + HASH.toUpperCase(java.util.Locale.ROOT));
		properties.add("gateway.clients[2].roles=ops");

		String failure = startupFailure(properties);

		assertThat(failure).contains("The gateway's settings have 2 problems")
			.contains("gateway.clients[0].key-sha256[0] (GATEWAY_CLIENTS_0_KEY_SHA256) and "
					+ "gateway.clients[2].key-sha256[1] (GATEWAY_CLIENTS_2_KEY_SHA256) are the same key hash")
			.contains("gateway.clients[1].key-sha256[0] (GATEWAY_CLIENTS_1_KEY_SHA256) and "
					+ "gateway.clients[2].key-sha256[0] (GATEWAY_CLIENTS_2_KEY_SHA256) are the same key hash");
		for (String text : List.of(failure, output.getAll())) {
			assertThat(text.toLowerCase(java.util.Locale.ROOT)).doesNotContain(HASH).doesNotContain(OTHER_HASH);
		}
	}

	@Test
	void oneClientMayListItsOwnHashTwice() {
		List<String> properties = without("gateway.clients[0].key-sha256");
		properties.add("gateway.clients[0].key-sha256=" + HASH + "," + HASH);

		assertThat(startupFailure(properties)).isNull();
	}

	@Test
	void neverEchoesAKeyInItsMessageOrLog(CapturedOutput output) {
		List<String> properties = without("gateway.clients");
		properties.add("gateway.pathors.base-url=ftp://x");
		properties.add("gateway.clients[0].key-sha256=my-plain-client-key");

		assertThat(startupFailure(properties)).doesNotContain("dk_startup")
			.doesNotContain("startup-key")
			.doesNotContain("my-plain-client-key");
		assertThat(output.getAll()).doesNotContain("dk_startup")
			.doesNotContain("startup-key")
			.doesNotContain("my-plain-client-key");
	}

	@Test
	void leaseCapAndVisibilitySettingsAreEachRefusedWithWhatTheyMayBe() {
		List<String> properties = complete();
		properties.add("gateway.clients[0].default-lease-ttl=500ms");
		properties.add("gateway.clients[0].limits.pathors.max-live=-1");
		properties.add("gateway.clients[0].limits.konpro.opens-per-minute=-5");
		properties.add("gateway.clients[0].limits.pathrs.max-live=10");
		properties.add("gateway.clients[0].sessions-visible=mine");

		assertThat(startupFailure(properties)).contains("The gateway's settings have 5 problems")
			.contains("gateway.clients[0].default-lease-ttl (GATEWAY_CLIENTS_0_DEFAULT_LEASE_TTL) must be 1s to 24h")
			.contains("gateway.clients[0].limits.pathors.max-live (GATEWAY_CLIENTS_0_LIMITS_PATHORS_MAX_LIVE) must be "
					+ "0 (no cap) or more")
			.contains("gateway.clients[0].limits.konpro.opens-per-minute "
					+ "(GATEWAY_CLIENTS_0_LIMITS_KONPRO_OPENS_PER_MINUTE) must be 0 (no cap) or more")
			.contains("gateway.clients[0].limits.pathrs (GATEWAY_CLIENTS_0_LIMITS_PATHRS) names no provider "
					+ "(known: konpro, pathors)")
			.contains("gateway.clients[0].sessions-visible (GATEWAY_CLIENTS_0_SESSIONS_VISIBLE) must be one of");
	}

	@Test
	void aDefaultLeaseTimeToLiveLongerThanADayIsRefusedAndValidCapsStart() {
		List<String> properties = complete();
		properties.add("gateway.clients[0].default-lease-ttl=25h");
		assertThat(startupFailure(properties))
			.contains("gateway.clients[0].default-lease-ttl (GATEWAY_CLIENTS_0_DEFAULT_LEASE_TTL) must be 1s to 24h");

		List<String> valid = complete();
		valid.add("gateway.clients[0].default-lease-ttl=2m");
		valid.add("gateway.clients[0].limits.pathors.max-live=50");
		valid.add("gateway.clients[0].limits.konpro.opens-per-minute=30");
		valid.add("gateway.clients[0].sessions-visible=own");
		assertThat(startupFailure(valid)).isNull();
	}

	/** whsec_ and the base64 of 32 bytes of obviously fake text. */
	private static final String FAKE_EVENT_SECRET = "whsec_ZmFrZS1ldmVudC1zZWNyZXQtZm9yLXRlc3RzLW9ubHk=";

	@Test
	void anEventUrlWhoseHostIsNotAllowedIsRefusedAtStartUpAndAnAllowedOneStarts(CapturedOutput output) {
		List<String> properties = complete();
		properties.add("gateway.events.allowed-hosts=hooks.example.com,*.callers.example.org");
		properties.add("gateway.clients[0].events.url=https://metadata.internal.example.net/latest?token=t0k3n");
		properties.add("gateway.clients[0].events.secret=" + FAKE_EVENT_SECRET);

		String failure = startupFailure(properties);

		assertThat(failure).contains("The gateway's settings have 1 problem")
			.contains("gateway.clients[0].events.url (GATEWAY_CLIENTS_0_EVENTS_URL) names a host that "
					+ "gateway.events.allowed-hosts (GATEWAY_EVENTS_ALLOWED_HOSTS) does not list");
		for (String text : List.of(failure, output.getAll())) {
			assertThat(text).doesNotContain("metadata.internal").doesNotContain("t0k3n").doesNotContain("ZmFrZS1l");
		}

		for (String allowed : List.of("https://hooks.example.com/gateway", "http://HOOKS.example.com:8443/",
				"https://orders.callers.example.org/events")) {
			List<String> valid = complete();
			valid.add("gateway.events.allowed-hosts=hooks.example.com,*.callers.example.org");
			valid.add("gateway.clients[0].events.url=" + allowed);
			valid.add("gateway.clients[0].events.secret=" + FAKE_EVENT_SECRET);
			assertThat(startupFailure(valid)).as(allowed).isNull();
		}
	}

	@Test
	void eventSettingsAreEachRefusedWithWhatTheyMayBeAndNoValue() {
		List<String> properties = complete();
		properties.add("gateway.events.allowed-hosts=https://hooks.example.com/path");
		properties.add("gateway.clients[0].events.url=ftp://hooks.example.com/x");
		properties.add("gateway.clients[0].events.secret=plain-shared-secret");
		properties.add("gateway.clients[1].name=other");
		properties.add("gateway.clients[1].key-sha256=" + OTHER_HASH);
		properties.add("gateway.clients[1].roles=sessions");
		properties.add("gateway.clients[1].events.url=https://hooks.example.com/x");
		properties.add("gateway.events.min-backoff=2h");

		assertThat(startupFailure(properties)).contains("The gateway's settings have 6 problems")
			.contains("gateway.clients[1].events.url (GATEWAY_CLIENTS_1_EVENTS_URL) names a host that "
					+ "gateway.events.allowed-hosts (GATEWAY_EVENTS_ALLOWED_HOSTS) does not list")
			.contains("gateway.events.allowed-hosts[0] (GATEWAY_EVENTS_ALLOWED_HOSTS) must be a host name such as "
					+ "hooks.example.com")
			.contains("gateway.clients[0].events.url (GATEWAY_CLIENTS_0_EVENTS_URL) must be an http or https URL")
			.contains("gateway.clients[0].events.secret (GATEWAY_CLIENTS_0_EVENTS_SECRET) must be whsec_ followed by "
					+ "the base64 of 24 to 64 random bytes")
			.contains("gateway.clients[1].events.secret (GATEWAY_CLIENTS_1_EVENTS_SECRET) is missing")
			.contains("gateway.events.min-backoff (GATEWAY_EVENTS_MIN_BACKOFF) must not be longer than "
					+ "gateway.events.max-backoff (GATEWAY_EVENTS_MAX_BACKOFF)")
			.doesNotContain("plain-shared-secret")
			.doesNotContain("/path");
	}

}

package dev.sessiongateway.simulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.sessiongateway.SessionGatewayApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The switch {@code gateway.simulators.enabled}, as the jar, the image and the compose
 * file use it: the gateway against simulated providers with demo keys and callers, alone
 * or as replicas sharing the simulators mode; refused beside a provider URL or key of
 * one's own; and nothing of it without the switch.
 */
@ExtendWith(OutputCaptureExtension.class)
class SimulatedProvidersTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private static final String SERVICE = "demo-service-key";

	private static final String OPS = "demo-ops-key";

	private static final String CLIENT_HASH = "b606c5f8627d02065f5ad082858a7612189f77631976c9a5212f4b5d8aa0466a";

	private static List<String> switchedOn(String... more) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=0",
				"--spring.datasource.url=jdbc:h2:mem:simulated-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
				"--gateway.simulators.enabled=true"));
		arguments.addAll(List.of(more));
		return arguments;
	}

	private static ConfigurableApplicationContext gateway(List<String> arguments) {
		return new SpringApplicationBuilder(SessionGatewayApplication.class).run(arguments.toArray(String[]::new));
	}

	private static @Nullable String startupFailure(List<String> arguments) {
		try (ConfigurableApplicationContext context = gateway(arguments)) {
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

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private static HttpResponse<String> call(int port, String method, String path, String key, @Nullable String body)
			throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.header("Authorization", "Bearer " + key);
		if (body != null) {
			request.header("Content-Type", "application/json")
				.method(method, HttpRequest.BodyPublishers.ofString(body));
		}
		else {
			request.method(method, HttpRequest.BodyPublishers.noBody());
		}
		return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static List<String> listed(int port, String query) throws Exception {
		HttpResponse<String> answer = call(port, "GET", "/ops/sessions" + query, OPS, null);
		assertThat(answer.statusCode()).isEqualTo(200);
		List<String> rows = new ArrayList<>();
		JSON.readTree(answer.body())
			.path("items")
			.forEach((item) -> rows.add(item.path("provider").asString() + ":" + item.path("sessionId").asString() + ":"
					+ item.path("status").asString() + ":" + item.path("client").asString()));
		return rows;
	}

	@Test
	void theSwitchAloneRunsTheGatewayAgainstItsOwnSimulatorsWithTheDemoCallers(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext context = gateway(switchedOn())) {
			int port = port(context);
			Simulators simulators = context.getBean(Simulators.class);
			String sessions = "/pathors/v1/projects/demo-project/sessions";

			assertThat(call(port, "POST", sessions, SERVICE, "{\"session_id\":\"chat-001\"}").statusCode())
				.isEqualTo(201);
			assertThat(simulators.pathors().activeSessionIds("demo-project")).containsExactly("chat-001");
			HttpResponse<String> widget = call(port, "POST", "/konpro/v1/widget/sessions", SERVICE,
					"{\"agentic_avatar_id\":\"avatar-1\"}");
			assertThat(widget.statusCode()).isEqualTo(200);
			String widgetId = JSON.readTree(widget.body()).at("/data/session_id").asString();
			assertThat(listed(port, "")).containsExactlyInAnyOrder("pathors:chat-001:ACTIVE:demo-service",
					"konpro:" + widgetId + ":ACTIVE:demo-service");

			assertThat(call(port, "DELETE", sessions, SERVICE, "{\"session_id\":\"chat-001\"}").statusCode())
				.isEqualTo(200);
			assertThat(call(port, "DELETE", "/konpro/v1/widget/sessions/" + widgetId, SERVICE, null).statusCode())
				.isEqualTo(200);
			assertThat(simulators.pathors().activeSessionIds("demo-project")).isEmpty();
			assertThat(simulators.konpro().sessionIds()).isEmpty();
			assertThat(listed(port, "")).isEmpty();
			assertThat(listed(port, "?status=ENDED")).hasSize(2);
			assertThat(call(port, "POST", "/webhooks/pathors/projects/demo-project", "demo-webhook-secret",
					"{\"event\":\"session.ended\",\"sessionId\":\"chat-001\"}")
				.statusCode()).isEqualTo(200);
			assertThat(output.getAll()).contains("Providers are simulated (gateway.simulators.enabled): Pathors at "
					+ simulators.baseUrl() + "/pathors and Konpro at " + simulators.baseUrl() + "/konpro");
			assertThat(output.getAll()).doesNotContain(Simulators.PATHORS_KEY)
				.doesNotContain(Simulators.KONPRO_KEY)
				.doesNotContain(SERVICE)
				.doesNotContain(OPS);
		}
	}

	@Test
	void replicasSharingTheSimulatorsModeOnPostgresNeverTakeEachOthersSessionsForGone(CapturedOutput output)
			throws Exception {
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
				ConfigurableApplicationContext served = Simulators.serve("--gateway.simulators.port=0")) {
			Simulators simulators = served.getBean(Simulators.class);
			String database = postgres.getJdbcUrl("postgres", "postgres");
			List<String> replica = List.of("--server.port=0", "--spring.datasource.url=" + database,
					"--spring.datasource.username=postgres", "--gateway.simulators.enabled=true",
					"--gateway.simulators.url=" + simulators.baseUrl());
			List<String> reconciling = new ArrayList<>(replica);
			reconciling.addAll(
					List.of("--gateway.sessions.reconcile.interval=200ms", "--gateway.sessions.reconcile.every=100ms"));
			List<String> notReconciling = new ArrayList<>(replica);
			notReconciling.add("--gateway.sessions.reconcile.enabled=false");
			try (ConfigurableApplicationContext one = gateway(notReconciling);
					ConfigurableApplicationContext two = gateway(reconciling)) {
				assertThat(one.getBeanProvider(Simulators.class).getIfAvailable()).isNull();
				assertThat(two.getBeanProvider(Simulators.class).getIfAvailable()).isNull();

				assertThat(call(port(one), "POST", "/pathors/v1/projects/demo-project/sessions", SERVICE,
						"{\"session_id\":\"through-one\"}")
					.statusCode()).isEqualTo(201);
				awaitRequest(simulators, "GET /v1/projects/demo-project/sessions/through-one");

				assertThat(listed(port(two), "")).containsExactly("pathors:through-one:ACTIVE:demo-service");
				assertThat(call(port(two), "DELETE", "/pathors/v1/projects/demo-project/sessions", SERVICE,
						"{\"session_id\":\"through-one\"}")
					.statusCode()).isEqualTo(200);
				assertThat(simulators.pathors().activeSessionIds("demo-project")).isEmpty();
				assertThat(listed(port(one), "?status=ENDED"))
					.containsExactly("pathors:through-one:ENDED:demo-service");
				assertThat(output.getAll()).contains("served at gateway.simulators.url with demo keys")
					.doesNotContain("Replicas sharing this database must share simulators too");
			}
		}
	}

	/** Waits until the simulated Pathors was asked, here by the reconciling replica. */
	private static void awaitRequest(Simulators simulators, String request) throws InterruptedException {
		Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
		while (!simulators.pathors().requestLog().contains(request)) {
			assertThat(Instant.now()).as("reconciliation asked: " + request).isBefore(deadline);
			Thread.sleep(100);
		}
	}

	@Test
	void aGatewayServingItsOwnSimulatorsOnPostgresSaysThatReplicasMustShareThem(CapturedOutput output)
			throws Exception {
		try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
				ConfigurableApplicationContext context = gateway(List.of("--server.port=0",
						"--spring.datasource.url=" + postgres.getJdbcUrl("postgres", "postgres"),
						"--spring.datasource.username=postgres", "--gateway.simulators.enabled=true"))) {
			assertThat(context.getBean(Simulators.class).isRunning()).isTrue();
			assertThat(output.getAll()).contains("served by this process with demo keys")
				.contains("Replicas sharing this database must share simulators too (java -jar session-gateway.jar "
						+ "simulators, and gateway.simulators.url on each)");
		}
	}

	@Test
	void configuredClientsTakeThePlaceOfTheDemoCallers() throws Exception {
		try (ConfigurableApplicationContext context = gateway(
				switchedOn("--gateway.clients[0].name=orders", "--gateway.clients[0].key-sha256=" + CLIENT_HASH,
						"--gateway.clients[0].roles=sessions", "--gateway.clients[0].pathors-projects=*"))) {
			String sessions = "/pathors/v1/projects/demo-project/sessions";

			assertThat(
					call(port(context), "POST", sessions, "test-service-key", "{\"session_id\":\"s1\"}").statusCode())
				.isEqualTo(201);
			assertThat(call(port(context), "POST", sessions, SERVICE, "{\"session_id\":\"s2\"}").statusCode())
				.isEqualTo(401);
		}
	}

	@Test
	void theSwitchRefusesARealProviderUrlNamingItButNotItsValue(CapturedOutput output) {
		String failure = startupFailure(switchedOn("--gateway.pathors.base-url=https://api.pathors.com"));

		assertThat(failure).contains("The gateway's settings have 1 problem:")
			.contains("gateway.pathors.base-url (GATEWAY_PATHORS_BASE_URL) is set, and gateway.simulators.enabled "
					+ "(GATEWAY_SIMULATORS_ENABLED) runs the gateway against simulated providers")
			.doesNotContain("api.pathors.com");
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
			.contains("gateway.pathors.base-url (GATEWAY_PATHORS_BASE_URL) is set")
			.doesNotContain("api.pathors.com");
	}

	@Test
	void theSwitchRefusesEveryRealKeyAtOnceNamingEachButNoValue(CapturedOutput output) {
		String failure = startupFailure(switchedOn("--gateway.konpro.api-key=konpro-live-4f1c",
				"--gateway.pathors.api-key=dk_live_9a0e", "--gateway.pathors.projects.proj-a.api-key=dk_project_77b1",
				"--gateway.konpro.base-url=https://konpro.example"));

		assertThat(failure).contains("The gateway's settings have 4 problems:")
			.contains("gateway.pathors.api-key (GATEWAY_PATHORS_API_KEY) is set")
			.contains("gateway.pathors.projects.proj-a.api-key (GATEWAY_PATHORS_PROJECTS_PROJ_A_API_KEY) is set")
			.contains("gateway.konpro.api-key (GATEWAY_KONPRO_API_KEY) is set")
			.contains("gateway.konpro.base-url (GATEWAY_KONPRO_BASE_URL) is set");
		for (String text : List.of(failure, output.getAll())) {
			assertThat(text).doesNotContain("konpro-live-4f1c")
				.doesNotContain("dk_live_9a0e")
				.doesNotContain("dk_project_77b1")
				.doesNotContain("konpro.example");
		}
	}

	@Test
	void theSwitchsOwnValuesAndBlankOnesAreNotRefused() {
		assertThat(startupFailure(
				switchedOn("--gateway.pathors.api-key=" + Simulators.PATHORS_KEY, "--gateway.konpro.api-key=")))
			.isNull();
	}

	@Test
	void theSwitchRefusesASimulatorsUrlWithAPath() {
		assertThat(startupFailure(switchedOn("--gateway.simulators.url=http://simulators:8090/pathors")))
			.contains("gateway.simulators.url (GATEWAY_SIMULATORS_URL) must be an http URL with no path");
	}

	@Test
	void withoutTheSwitchNoDemoValueIsUsedEvenWithASimulatorsUrl() {
		String failure = startupFailure(List.of("--server.port=0", "--spring.datasource.url=jdbc:h2:mem:no-switch",
				"--gateway.simulators.url=http://127.0.0.1:8090"));

		assertThat(failure).contains("gateway.pathors.api-key (GATEWAY_PATHORS_API_KEY) is missing")
			.contains("gateway.konpro.api-key (GATEWAY_KONPRO_API_KEY) is missing")
			.contains("no clients are configured");
	}

	@Test
	void withoutTheSwitchTheDemoCallersAreUnknown() throws Exception {
		try (ConfigurableApplicationContext context = gateway(
				List.of("--server.port=0", "--spring.datasource.url=jdbc:h2:mem:no-switch-" + UUID.randomUUID(),
						"--gateway.pathors.api-key=dk_x", "--gateway.konpro.api-key=x", "--gateway.clients[0].name=ops",
						"--gateway.clients[0].key-sha256=" + CLIENT_HASH, "--gateway.clients[0].roles=ops"))) {
			assertThat(context.getBeanProvider(Simulators.class).getIfAvailable()).isNull();
			assertThat(call(port(context), "GET", "/ops/sessions", OPS, null).statusCode()).isEqualTo(401);
			JsonNode problem = JSON.readTree(call(port(context), "GET", "/ops/sessions", OPS, null).body());
			assertThat(problem.path("code").asString()).isEqualTo("UNAUTHENTICATED");
		}
	}

}

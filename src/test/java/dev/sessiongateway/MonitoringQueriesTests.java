package dev.sessiongateway;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

import org.springframework.test.context.TestPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Grafana dashboard ({@code deploy/grafana/session-gateway.json}) and the alert rules
 * ({@code deploy/prometheus/session-gateway-rules.yml}) query only metrics the gateway
 * exposes: after some traffic, every metric name in their PromQL is a series of the
 * gateway's own scrape ({@code _bucket}, {@code _count} and {@code _sum} only of a
 * histogram, {@code _total} only of a counter). With the settings of
 * {@code PrometheusMetricsTests} (they share a context): the test configuration has no
 * circuit but Konpro's, as the jar's has one for each provider.
 */
@TestPropertySource(properties = { "gateway.konpro.circuit-failure-threshold=2", "gateway.konpro.circuit-open-for=1h" })
class MonitoringQueriesTests extends GatewayTestSupport {

	static final Path DASHBOARD = Path.of("deploy", "grafana", "session-gateway.json");

	static final Path RULES = Path.of("deploy", "prometheus", "session-gateway-rules.yml");

	private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
			"bool", "and", "or", "unless", "offset", "atan2", "inf", "nan");

	private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");

	private static final Pattern GROUPING = Pattern
		.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

	private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][\\w:]*+)(?!\\s*\\()");

	private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*\\w+\\s*\\)\\s*$");

	/**
	 * The metric names in a PromQL expression: what remains after strings, label
	 * matchers, ranges, groupings, dashboard variables, numbers, functions and keywords
	 * are taken out.
	 */
	static Set<String> metricNames(String expression) {
		Matcher labelValues = LABEL_VALUES.matcher(expression);
		String text = labelValues.matches() ? labelValues.group(1) : expression;
		text = STRING.matcher(text).replaceAll(" ");
		text = text.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ");
		text = GROUPING.matcher(text).replaceAll(" ");
		text = text.replaceAll("\\$\\{?\\w+}?", " ");
		Set<String> names = new TreeSet<>();
		Matcher identifier = IDENTIFIER.matcher(text);
		while (identifier.find()) {
			String name = identifier.group(1);
			if (!KEYWORDS.contains(name.toLowerCase())) {
				names.add(name);
			}
		}
		return names;
	}

	/**
	 * Each PromQL expression of the dashboard, by where it is: every panel target's
	 * {@code expr}, and the query of every variable of type {@code query}.
	 */
	static Map<String, String> dashboardQueries() throws IOException {
		JsonNode dashboard = JSON.readTree(Files.readString(DASHBOARD));
		Map<String, String> queries = new TreeMap<>();
		collectTargets(dashboard.path("panels"), queries);
		for (JsonNode variable : dashboard.path("templating").path("list")) {
			if (variable.path("type").asString().equals("query")) {
				JsonNode query = variable.path("query");
				queries.put("variable " + variable.path("name").asString(),
						query.isObject() ? query.path("query").asString() : query.asString());
			}
		}
		return queries;
	}

	private static void collectTargets(JsonNode panels, Map<String, String> queries) {
		for (JsonNode panel : panels) {
			for (JsonNode target : panel.path("targets")) {
				queries.put("panel " + panel.path("title").asString() + " " + target.path("refId").asString(),
						target.path("expr").asString());
			}
			collectTargets(panel.path("panels"), queries);
		}
	}

	/** Each alert's expression, by its name. */
	@SuppressWarnings("unchecked")
	static Map<String, String> ruleQueries() throws IOException {
		Map<String, String> queries = new TreeMap<>();
		try (Reader reader = Files.newBufferedReader(RULES)) {
			Map<String, Object> file = new Yaml().load(reader);
			for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
				for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
					String name = String.valueOf(rule.getOrDefault("alert", rule.get("record")));
					queries.put(group.get("name") + "/" + name, String.valueOf(rule.get("expr")));
				}
			}
		}
		return queries;
	}

	/**
	 * The series names a query may use, from the scrape's {@code # TYPE} lines and the
	 * samples it holds: a histogram's {@code _bucket}, {@code _count} and {@code _sum}, a
	 * summary's quantiles, {@code _count} and {@code _sum}, a counter's {@code _total}, a
	 * gauge's own name; each only if the scrape has a sample of it.
	 */
	static Set<String> seriesNames(String scrape) {
		Map<String, String> types = new HashMap<>();
		Set<String> sampled = new HashSet<>();
		for (String line : scrape.lines().toList()) {
			if (line.startsWith("# TYPE ")) {
				String[] parts = line.split(" ");
				types.put(parts[2], parts[3]);
			}
			else if (!line.isBlank() && !line.startsWith("#")) {
				sampled.add(line.split("[{ ]", 2)[0]);
			}
		}
		Set<String> names = new TreeSet<>();
		types.forEach((family, type) -> {
			List<String> series = switch (type) {
				case "histogram" -> List.of(family + "_bucket", family + "_count", family + "_sum");
				case "summary" -> List.of(family, family + "_count", family + "_sum");
				case "counter" -> List.of(family.endsWith("_total") ? family : family + "_total");
				default -> List.of(family);
			};
			series.stream().filter(sampled::contains).forEach(names::add);
		});
		return names;
	}

	@Test
	void metricNamesAreTakenFromPromQl() {
		assertThat(metricNames("histogram_quantile(0.99, sum by (le, provider) "
				+ "(rate(gateway_upstream_calls_seconds_bucket{job=~\"$job\",outcome!=\"a_b\"}[$__rate_interval])))"))
			.containsExactly("gateway_upstream_calls_seconds_bucket");
		assertThat(metricNames("max by (name) (resilience4j_circuitbreaker_state{state=\"open\"}) == 1"))
			.containsExactly("resilience4j_circuitbreaker_state");
		assertThat(metricNames("sum(rate(a_total[5m] offset 1h)) / on (provider) group_left (client) b "
				+ "or vector(0) > bool 1e3 unless c:recorded"))
			.containsExactly("a_total", "b", "c:recorded");
		assertThat(metricNames("label_values(gateway_sessions_live{provider=\"x\"}, job)"))
			.containsExactly("gateway_sessions_live");
	}

	@Test
	void aSeriesNameNeedsItsTypeAndASample() {
		String scrape = """
				# TYPE calls_seconds histogram
				calls_seconds_bucket{le="0.1"} 1
				calls_seconds_count 1
				calls_seconds_sum 0.05
				# TYPE calls_seconds_max gauge
				calls_seconds_max 0.05
				# TYPE opens_total counter
				opens_total{outcome="confirmed"} 2
				# TYPE live gauge
				live 3
				# TYPE never_sampled_total counter
				""";

		assertThat(seriesNames(scrape)).containsExactlyInAnyOrder("calls_seconds_bucket", "calls_seconds_count",
				"calls_seconds_sum", "calls_seconds_max", "opens_total", "live");
	}

	@Test
	void theOperationsPageShowsEachAlertRuleAsTheRulesFileHasIt() throws IOException {
		String operations = Files.readString(Path.of("docs", "operations.md"));
		Map<String, String> rules = ruleQueries();

		assertThat(rules).isNotEmpty();
		rules.forEach((rule, expression) -> assertThat(operations).as(rule)
			.contains("| `" + rule.substring(rule.indexOf('/') + 1) + "` | `" + expression + "` |"));
	}

	@Test
	void theDashboardAndTheAlertRulesQueryOnlyMetricsTheGatewayExposes() throws Exception {
		// Traffic that makes the gateway's meters with labels appear; its outcomes do not
		// matter here (a create slower than the test's read timeout is 504, and counted
		// too), only that each request reached its route with a key it accepts.
		pathors.stubFor(post(urlEqualTo("/v1/projects/proj-a/sessions"))
			.willReturn(aResponse().withStatus(201).withBody("{\"sessionId\":\"monitoring-1\"}")));
		pathors.stubFor(delete(urlEqualTo("/v1/projects/proj-a/sessions")).willReturn(aResponse().withStatus(200)));
		String session = "{\"session_id\":\"monitoring-1\"}";
		assertThat(send("POST", "/pathors/v1/projects/proj-a/sessions", SERVICE_KEY, session).statusCode()).isIn(201,
				504);
		assertThat(send("DELETE", "/pathors/v1/projects/proj-a/sessions", SERVICE_KEY, session).statusCode()).isIn(200,
				202);
		assertThat(send("POST", "/webhooks/pathors/projects/proj-a", WEBHOOK_SECRET,
				"{\"event\":\"session.ended\",\"sessionId\":\"monitoring-1\"}")
			.statusCode()).isEqualTo(200);
		assertThat(read("/ops/sessions/stats", OPS_KEY).statusCode()).isEqualTo(200);
		pathors.verify(postRequestedFor(urlEqualTo("/v1/projects/proj-a/sessions")));

		String scrape = read("/actuator/prometheus", OPS_KEY).body();
		Set<String> exposed = seriesNames(scrape);
		Map<String, String> queries = new TreeMap<>();
		dashboardQueries().forEach((where, query) -> queries.put(DASHBOARD + ": " + where, query));
		ruleQueries().forEach((where, query) -> queries.put(RULES + ": " + where, query));

		List<String> unknown = new ArrayList<>();
		Set<String> used = new TreeSet<>();
		queries.forEach((where, query) -> {
			Set<String> names = metricNames(query);
			assertThat(names).as("%s names no metric: %s", where, query).isNotEmpty();
			used.addAll(names);
			names.stream()
				.filter((name) -> !exposed.contains(name))
				.forEach((name) -> unknown.add(name + " (" + where + ")"));
		});

		assertThat(unknown).as("metrics the dashboard or the rules use that the gateway does not expose").isEmpty();
		assertThat(dashboardQueries()).hasSizeGreaterThan(15);
		assertThat(ruleQueries()).containsOnlyKeys("session-gateway/SessionEndsOverdue",
				"session-gateway/ProviderCircuitOpen");
		System.out.println("dashboard and rules: " + queries.size() + " queries over " + used.size()
				+ " metrics, all in a scrape of " + exposed.size() + " series names: " + used);
	}

}

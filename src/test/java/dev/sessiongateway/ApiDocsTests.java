package dev.sessiongateway;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.sessiongateway.web.ApiDocs;
import dev.sessiongateway.web.ProblemCode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OpenAPI description is complete and usable: it describes exactly the routes the
 * gateway has (a route added without its description fails here), with the gateway's name
 * and version, both ways to present a client key, real request schemas with examples, and
 * every answer with its content type.
 */
class ApiDocsTests extends GatewayTestSupport {

	/**
	 * Routes the gateway has that are deliberately not described, and why. Nothing else
	 * may be missing from the description.
	 */
	private static final Map<String, String> UNDESCRIBED = Map.of("ANY /error",
			"where the servlet container forwards its own refusals; no caller calls it");

	private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options",
			"trace");

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	private RequestMappingHandlerMapping mappings;

	private JsonNode document() {
		HttpResponse<String> response = read("/v3/api-docs", null);
		assertThat(response.statusCode()).as("the description is public").isEqualTo(200);
		return json(response);
	}

	/**
	 * Every route of the gateway's own controllers, "METHOD /path" (ANY for all), with
	 * the mapping of each handler that serves it (one route may have several, such as a
	 * listing and its CSV variant).
	 */
	private Map<String, List<RequestMappingInfo>> routes() {
		Map<String, List<RequestMappingInfo>> routes = new java.util.TreeMap<>();
		this.mappings.getHandlerMethods().forEach((info, handler) -> {
			if (!isGateways(handler)) {
				return;
			}
			Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
			for (String pattern : info.getPatternValues()) {
				String path = pattern.replaceAll("\\{([^}:]+):[^}]*}", "{$1}");
				if (methods.isEmpty()) {
					routes.computeIfAbsent("ANY " + path, (route) -> new ArrayList<>()).add(info);
				}
				methods.forEach(
						(method) -> routes.computeIfAbsent(method.name() + " " + path, (route) -> new ArrayList<>())
							.add(info));
			}
		});
		return routes;
	}

	private static boolean isGateways(HandlerMethod handler) {
		return handler.getBeanType().getName().startsWith("dev.sessiongateway.");
	}

	private static Map<String, JsonNode> operations(JsonNode document) {
		Map<String, JsonNode> operations = new java.util.TreeMap<>();
		document.path("paths").properties().forEach((path) -> path.getValue().properties().forEach((operation) -> {
			if (METHODS.contains(operation.getKey())) {
				operations.put(operation.getKey().toUpperCase() + " " + path.getKey(), operation.getValue());
			}
		}));
		return operations;
	}

	@Test
	void describesEveryRouteTheGatewayHasAndNoOther() {
		Set<String> routes = new TreeSet<>(routes().keySet());
		routes.removeAll(UNDESCRIBED.keySet());
		Set<String> described = operations(document()).keySet();

		assertThat(routes).as("routes without a description").isSubsetOf(described);
		assertThat(described).as("descriptions of routes that do not exist").isSubsetOf(routes);
		assertThat(described).as("the routes /error is not one of").noneMatch((route) -> route.endsWith(" /error"));
	}

	@Test
	void describesTheContentTypesEachRouteReadsAndWrites() {
		Map<String, JsonNode> operations = operations(document());
		List<String> problems = new ArrayList<>();
		routes().forEach((route, infos) -> infos.forEach((info) -> {
			JsonNode operation = operations.get(route);
			if (operation == null) {
				return;
			}
			info.getConsumesCondition().getConsumableMediaTypes().forEach((type) -> {
				if (operation.path("requestBody").path("content").path(type.toString()).isMissingNode()) {
					problems.add(route + " reads " + type + " but its request body does not say so");
				}
			});
			info.getProducesCondition().getProducibleMediaTypes().forEach((type) -> {
				boolean described = operation.path("responses")
					.properties()
					.stream()
					.anyMatch((response) -> response.getKey().startsWith("2")
							&& response.getValue().path("content").has(type.toString()));
				if (!described) {
					problems.add(route + " writes " + type + " but no success answer says so");
				}
			});
		}));
		assertThat(problems).isEmpty();
	}

	@Test
	void carriesTheGatewaysNameAndTheVersionBeingBuilt() throws IOException {
		String pom = Files.readString(Path.of("pom.xml"));
		Matcher project = Pattern.compile("<artifactId>(session-gateway)</artifactId>\\s*<version>([^<]+)</version>")
			.matcher(pom);
		assertThat(project.find()).isTrue();

		JsonNode info = document().path("info");

		assertThat(info.path("title").asString()).isEqualTo(project.group(1));
		assertThat(info.path("version").asString()).isEqualTo(project.group(2));
		assertThat(info.path("description").asString()).contains("X-Api-Key").contains("application/problem+json");
	}

	@Test
	void offersBothWaysToPresentAClientKeyAndTheWebhookItsSecret() {
		JsonNode document = document();
		JsonNode schemes = document.path("components").path("securitySchemes");

		assertThat(schemes.path("clientKey").path("type").asString()).isEqualTo("http");
		assertThat(schemes.path("clientKey").path("scheme").asString()).isEqualTo("bearer");
		assertThat(schemes.path("apiKey").path("type").asString()).isEqualTo("apiKey");
		assertThat(schemes.path("apiKey").path("in").asString()).isEqualTo("header");
		assertThat(schemes.path("apiKey").path("name").asString()).isEqualTo("X-Api-Key");
		assertThat(document.path("security").toString()).isEqualTo("[{\"clientKey\":[]},{\"apiKey\":[]}]");
		JsonNode webhook = document.path("paths").path("/webhooks/pathors/projects/{projectId}").path("post");
		assertThat(webhook.path("security").toString()).isEqualTo("[{\"webhookSecret\":[]}]");
		assertThat(schemes.path("webhookSecret").path("scheme").asString()).isEqualTo("bearer");
		assertThat(webhook.path("parameters").toString()).as("the secret is not a parameter")
			.doesNotContain("Authorization");
	}

	@Test
	void theExportsExampleIsASessionOfAConfiguredProvider() {
		String example = document().path("paths")
			.path("/ops/sessions")
			.path("get")
			.path("responses")
			.path("200")
			.path("content")
			.path("text/csv")
			.path("examples")
			.path("export")
			.path("value")
			.asString();

		assertThat(example.lines()).hasSize(2);
		assertThat(example.lines().skip(1).findFirst().orElseThrow()).startsWith("1,konpro,demo-project,chat-001,");
	}

	@Test
	void theConsoleCookieAuthenticatesOpsRoutesWithTheCsrfTokenWhereTheyChangeAnything() {
		JsonNode document = document();
		JsonNode cookie = document.path("components").path("securitySchemes").path(ApiDocs.CONSOLE_COOKIE);
		JsonNode csrf = document.path("components").path("securitySchemes").path("csrfToken");
		HttpResponse<String> signIn = send("POST", "/ops/console/sign-in", null, "{\"key\":\"" + OPS_KEY + "\"}");

		assertThat(cookie.path("type").asString()).isEqualTo("apiKey");
		assertThat(cookie.path("in").asString()).isEqualTo("cookie");
		assertThat(signIn.headers().firstValue("Set-Cookie"))
			.hasValueSatisfying((set) -> assertThat(set).startsWith(cookie.path("name").asString() + "="));
		assertThat(csrf.path("type").asString()).isEqualTo("apiKey");
		assertThat(csrf.path("in").asString()).isEqualTo("header");
		assertThat(csrf.path("name").asString()).isEqualTo("X-CSRF-Token");
		Map<String, JsonNode> operations = operations(document);
		assertThat(operations.get("POST /ops/console/sign-in").path("security").toString())
			.as("the key is in the body: no header key, no cookie")
			.isEqualTo("[]");
		assertThat(operations.get("GET /ops/console/session").path("security").toString())
			.isEqualTo("[{\"consoleCookie\":[]}]");
		assertThat(operations.get("POST /ops/console/sign-out").path("security").toString())
			.isEqualTo("[{\"consoleCookie\":[],\"csrfToken\":[]}]");
		operations.forEach((route, operation) -> {
			if (route.contains(" /ops/sessions")) {
				List<String> ways = new ArrayList<>();
				operation.path("security").forEach((requirement) -> ways.add(requirement.toString()));
				String console = route.startsWith("GET ") ? "{\"consoleCookie\":[]}"
						: "{\"consoleCookie\":[],\"csrfToken\":[]}";
				assertThat(ways).as(route).containsExactlyInAnyOrder("{\"clientKey\":[]}", "{\"apiKey\":[]}", console);
			}
		});
	}

	@Test
	void everyCreateTakesALeaseAndDescribesItsCapsAnswer() {
		JsonNode document = document();
		Map<String, JsonNode> creates = new java.util.TreeMap<>();
		operations(document).forEach((route, operation) -> {
			if (operation.path("operationId").asString().matches("(pathors|konpro)Create(Legacy)?")) {
				creates.put(route, operation);
			}
		});

		assertThat(creates).hasSize(3);
		creates.forEach((route, operation) -> {
			assertThat(operation.path("parameters").findValuesAsString("name")).as(route).contains("Gateway-Lease");
			assertThat(operation.path("responses").path("200").path("headers").has("Gateway-Lease")).as(route).isTrue();
			JsonNode limited = operation.path("responses").path("429");
			assertThat(limited.path("description").asString()).as(route)
				.contains("`SESSION_LIMIT_REACHED`")
				.contains("`UPSTREAM_RATE_LIMITED`");
			assertThat(limited.path("headers").propertyNames()).as(route)
				.contains("Retry-After", "RateLimit-Policy", "RateLimit");
			assertThat(limited.path("content")
				.path("application/problem+json")
				.path("examples")
				.path("SESSION_LIMIT_REACHED")
				.path("value")
				.path("limit")
				.asString()).as(route).isEqualTo("max-live");
			assertThat(operation.path("responses").path("404").path("description").asString()).as(route)
				.contains("Gateway-Lease");
		});
	}

	@Test
	void everyCreateTakesAnIdempotencyKeyAndDescribesItsAnswers() {
		JsonNode document = document();
		Map<String, JsonNode> creates = new java.util.TreeMap<>();
		operations(document).forEach((route, operation) -> {
			if (operation.path("operationId").asString().matches("(pathors|konpro)Create(Legacy)?")) {
				creates.put(route, operation);
			}
		});

		assertThat(creates).hasSize(3);
		creates.forEach((route, operation) -> {
			JsonNode key = null;
			for (JsonNode parameter : operation.path("parameters")) {
				if (parameter.path("name").asString().equals("Idempotency-Key")) {
					key = parameter;
				}
			}
			assertThat(key).as(route + " Idempotency-Key").isNotNull();
			assertThat(key.path("in").asString()).isEqualTo("header");
			assertThat(key.path("required").asBoolean()).isFalse();
			assertThat(operation.path("responses").path("200").path("headers").has("Idempotent-Replayed")).as(route)
				.isTrue();
			assertThat(operation.path("responses").path("400").path("description").asString()).as(route)
				.contains("`IDEMPOTENCY_KEY_REQUIRED`", "`IDEMPOTENCY_KEYS_DISABLED`", "`VALIDATION_FAILED`");
			JsonNode inFlight = operation.path("responses").path("409");
			assertThat(inFlight.path("description").asString()).as(route).contains("`IDEMPOTENCY_KEY_IN_FLIGHT`");
			assertThat(inFlight.path("headers").propertyNames()).as(route).contains("Retry-After");
			assertThat(operation.path("responses").path("422").path("description").asString()).as(route)
				.contains("`IDEMPOTENCY_KEY_REUSED`", "`IDEMPOTENCY_KEY_ANSWER_LOST`");
		});
		assertThat(document.path("info").path("description").asString()).contains("Idempotency-Key", "**24h**",
				"gateway.idempotency.window");
	}

	@Test
	void everyRequestBodyIsASchemaWithAnExample() {
		JsonNode document = document();
		Map<String, JsonNode> withBodies = new java.util.TreeMap<>();
		operations(document).forEach((route, operation) -> {
			if (operation.has("requestBody")) {
				withBodies.put(operation.path("operationId").asString(), operation.path("requestBody"));
			}
		});

		assertThat(withBodies.keySet()).containsExactlyInAnyOrder("pathorsCreate", "pathorsCreateLegacy", "pathorsEnd",
				"pathorsEndLegacy", "pathorsTerminate", "konproCreate", "pathorsWebhook", "consoleSignIn",
				"leaseGrant");
		withBodies.forEach((operationId, body) -> {
			JsonNode json = body.path("content").path("application/json");
			String ref = json.path("schema").path("$ref").asString();
			JsonNode schema = document.path("components")
				.path("schemas")
				.path(ref.replace("#/components/schemas/", ""));
			assertThat(schema.path("properties").size()).as(operationId + " body schema").isPositive();
			assertThat(json.path("examples").size()).as(operationId + " examples").isPositive();
			json.path("examples").properties().forEach((example) -> {
				assertThat(example.getValue().path("value").isObject()).as(operationId + " " + example.getKey())
					.isTrue();
				assertThat(example.getValue().path("summary").asString()).isNotBlank();
				assertThat(example.getValue().path("description").asString("")).isNotEqualTo(example.getKey());
			});
		});
		assertThat(document.path("components").path("schemas").path("PathorsCreateRequest").path("required").toString())
			.isEqualTo("[\"session_id\"]");
		assertThat(withBodies.get("pathorsWebhook").path("content").path("application/json").path("examples").size())
			.as("session.finalized, session.ended, call.ended")
			.isEqualTo(3);
	}

	@Test
	void everyOperationSaysWhatItAnswersAndInWhatType() {
		JsonNode document = document();
		List<String> problems = new ArrayList<>();
		operations(document).forEach((route, operation) -> {
			if (operation.path("summary").asString().isBlank() || operation.path("tags").isEmpty()) {
				problems.add(route + " has no summary or tag");
			}
			JsonNode responses = operation.path("responses");
			if (responses.properties().stream().noneMatch((response) -> response.getKey().startsWith("2"))) {
				problems.add(route + " has no success answer");
			}
			if (!responses.has("401")) {
				problems.add(route + " does not say it needs a key");
			}
			responses.properties().forEach((response) -> {
				String status = route + " " + response.getKey();
				if (response.getValue().path("description").asString().isBlank()) {
					problems.add(status + " has no description");
				}
				boolean noContent = response.getKey().equals("204");
				if (response.getValue().path("content").isEmpty() && !noContent) {
					problems.add(status + " has no content type");
				}
				if (!response.getValue().path("content").isEmpty() && noContent) {
					problems.add(status + " is described with a body");
				}
				response.getValue().path("content").properties().forEach((content) -> {
					if (content.getKey().contains("*")) {
						problems.add(status + " is described as " + content.getKey());
					}
					if (content.getKey().equals("application/problem+json") && !content.getValue()
						.path("schema")
						.path("$ref")
						.asString()
						.equals("#/components/schemas/Problem")) {
						problems.add(status + " is a problem without the problem schema");
					}
				});
			});
		});
		assertThat(problems).isEmpty();
	}

	@Test
	void theProblemSchemaNamesEveryCode() {
		JsonNode problem = document().path("components").path("schemas").path("Problem");

		List<String> codes = new ArrayList<>();
		problem.path("properties").path("code").path("enum").forEach((code) -> codes.add(code.asString()));
		assertThat(codes)
			.containsExactlyInAnyOrderElementsOf(Arrays.stream(ProblemCode.values()).map(ProblemCode::name).toList());
		assertThat(problem.path("required").toString()).contains("code").contains("status");
	}

	@Test
	void theDescriptionShowsNoDemoKeyOutsideTheDemo() {
		String document = read("/v3/api-docs", null).body();

		assertThat(document).doesNotContain("demo-ops-key").doesNotContain("demo-service-key");
		assertThat(document).contains("<an ops client key>");
	}

	@Test
	void theDemosDescriptionShowsItsOpsKeyAsTheSignInExample() {
		try (ConfigurableApplicationContext demo = new SpringApplicationBuilder(SessionGatewayApplication.class)
			.profiles("demo")
			.run("--PORT=0", "--spring.datasource.url=jdbc:h2:mem:demo-docs;DB_CLOSE_DELAY=-1")) {
			int port = ((WebServerApplicationContext) demo).getWebServer().getPort();
			JsonNode document = JSON.readTree(send(port, "GET", "/v3/api-docs", null, null, null).body());

			JsonNode signIn = document.path("paths")
				.path("/ops/console/sign-in")
				.path("post")
				.path("requestBody")
				.path("content")
				.path("application/json");
			assertThat(signIn.path("examples").path("sign-in").path("value").toString())
				.isEqualTo("{\"key\":\"demo-ops-key\"}");
			assertThat(document.path("components")
				.path("schemas")
				.path("ConsoleSignInRequest")
				.path("properties")
				.path("key")
				.path("example")
				.asString()).isEqualTo("demo-ops-key");
		}
	}

	@Test
	void swaggerUiIsServedWithoutAKey() {
		HttpResponse<String> page = read("/swagger-ui/index.html", null);

		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("swagger-ui");
		assertThat(read("/swagger-ui.html", null).statusCode()).isIn(200, 302);
	}

	@Test
	void swaggerUiHasAPolicyOfItsOwnAndIsServedNowhereElse() {
		for (String path : List.of("/swagger-ui.html", "/swagger-ui/index.html", "/swagger-ui/swagger-ui-bundle.js")) {
			HttpResponse<String> answer = read(path, null);
			assertThat(answer.headers().firstValue("Content-Security-Policy")).as(path)
				.hasValueSatisfying((policy) -> assertThat(policy).contains("default-src 'none'")
					.contains("script-src 'self';")
					.contains("connect-src 'self';")
					.contains("form-action 'none'")
					.contains("frame-ancestors 'none'"));
			assertThat(answer.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
		}
		assertThat(read("/v3/api-docs", null).headers().firstValue("Content-Security-Policy")).isEmpty();
		HttpResponse<String> webJar = read("/webjars/swagger-ui/index.html", OPS_KEY);
		assertThat(webJar.statusCode()).isEqualTo(403);
		assertThat(webJar.body()).contains("\"code\":\"FORBIDDEN\"").doesNotContain("<html");
		assertThat(read("/webjars/swagger-ui/index.html", null).statusCode()).isEqualTo(401);
	}

}

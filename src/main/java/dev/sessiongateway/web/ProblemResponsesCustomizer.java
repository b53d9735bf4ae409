package dev.sessiongateway.web;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.GlobalOperationComponentsCustomizer;
import org.springdoc.core.utils.SpringDocAnnotationsUtils;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;

/**
 * Adds to each operation the answers its {@link ProblemResponses} declare: one response
 * per status, with the problem schema, the codes it may carry and what each means, an
 * example of each, the headers that come with them, and the provider's own answers the
 * route passes on.
 */
class ProblemResponsesCustomizer implements GlobalOperationComponentsCustomizer {

	static final String PROBLEM_JSON = "application/problem+json";

	private static final Map<ProblemCode, String> MEANINGS = new EnumMap<>(Map.ofEntries(
			Map.entry(ProblemCode.UNAUTHENTICATED,
					"no key, or a key that matches no client (for the webhook: a missing or wrong secret)"),
			Map.entry(ProblemCode.FORBIDDEN, "the client may not use this route, project or account"),
			Map.entry(ProblemCode.VALIDATION_FAILED,
					"the body, a path id or a parameter is invalid; `errors` names each field, and nothing was "
							+ "recorded or forwarded"),
			Map.entry(ProblemCode.NOT_FOUND,
					"no tracked session has that id (or none this client may see), or no live lease of this client "
							+ "has the id named in the path or the Gateway-Lease header"),
			Map.entry(ProblemCode.SESSION_LIMIT_REACHED,
					"the client is at one of its caps at this provider: `limit` names it (max-live or "
							+ "opens-per-minute), with `current` and `cap`; Retry-After when waiting helps; nothing "
							+ "was recorded and the provider was not called"),
			Map.entry(ProblemCode.SESSION_ALREADY_ACTIVE,
					"a live session holds this session id, or an earlier create of it whose outcome is unknown does "
							+ "until the gateway has made sure it is ended (then with Retry-After); the provider was "
							+ "not called"),
			Map.entry(ProblemCode.IDEMPOTENCY_KEY_REQUIRED,
					"this deployment requires an `Idempotency-Key` on every create at this provider "
							+ "(gateway.idempotency.required); nothing was recorded or forwarded"),
			Map.entry(ProblemCode.IDEMPOTENCY_KEYS_DISABLED,
					"the create sent an `Idempotency-Key`, and this deployment keeps no keys "
							+ "(gateway.idempotency.secret is not set); nothing was recorded or forwarded: send it "
							+ "without the key, or have the gateway's operator set the secret"),
			Map.entry(ProblemCode.IDEMPOTENCY_KEY_IN_FLIGHT,
					"an earlier request of this client with this `Idempotency-Key` is still being carried out; the "
							+ "provider was not called: send the same request again after Retry-After to get its "
							+ "answer"),
			Map.entry(ProblemCode.IDEMPOTENCY_KEY_REUSED,
					"this client used the `Idempotency-Key` for another request (another body, project or "
							+ "provider) within the key's window; the provider was not called: use a new key"),
			Map.entry(ProblemCode.IDEMPOTENCY_KEY_ANSWER_LOST,
					"the answer to the earlier request with this `Idempotency-Key` was lost (the gateway stopped "
							+ "before giving it, or can no longer read it), so whether it opened a session is "
							+ "unknown; the provider was not called: do not retry with this key"),
			Map.entry(ProblemCode.PAYLOAD_TOO_LARGE, "the body is larger than gateway.web.max-request-size (256 KiB)"),
			Map.entry(ProblemCode.UNSUPPORTED_MEDIA_TYPE, "the body was not sent as application/json"),
			Map.entry(ProblemCode.UPSTREAM_RATE_LIMITED,
					"the provider rate-limited the gateway, or the gateway's own budget towards it is used up"),
			Map.entry(ProblemCode.SIGN_IN_LIMIT_REACHED,
					"too many sign-ins failed lately, from this address or from all of them; the key was not "
							+ "looked at"),
			Map.entry(ProblemCode.UPSTREAM_REJECTED_CREDENTIALS, "the provider refused the gateway's own key"),
			Map.entry(ProblemCode.UPSTREAM_UNAVAILABLE,
					"the provider failed (5xx), could not be reached, broke the connection or sent a reply the "
							+ "gateway does not pass on"),
			Map.entry(ProblemCode.CIRCUIT_OPEN, "the provider failed several times in a row; calls to it are paused"),
			Map.entry(ProblemCode.TRACKING_UNAVAILABLE,
					"the database could not record the session; nothing is confirmed"),
			Map.entry(ProblemCode.UPSTREAM_TIMEOUT, "the provider did not answer within its read timeout")));

	private static final Set<ProblemCode> RETRY_AFTER = Set.of(ProblemCode.UPSTREAM_RATE_LIMITED,
			ProblemCode.SIGN_IN_LIMIT_REACHED, ProblemCode.CIRCUIT_OPEN, ProblemCode.TRACKING_UNAVAILABLE,
			ProblemCode.SESSION_ALREADY_ACTIVE, ProblemCode.SESSION_LIMIT_REACHED,
			ProblemCode.IDEMPOTENCY_KEY_IN_FLIGHT);

	/** Properties a problem has beside the common ones, with example values. */
	private static final Map<ProblemCode, Map<String, Object>> PROPERTIES = Map.of(ProblemCode.SESSION_LIMIT_REACHED,
			Map.of("limit", "max-live", "current", 50, "cap", 50));

	private final SpecVersion specVersion;

	ProblemResponsesCustomizer(SpecVersion specVersion) {
		this.specVersion = specVersion;
	}

	/** Not called: the operations are customized with their components. */
	@Override
	public Operation customize(Operation operation, HandlerMethod handlerMethod) {
		return operation;
	}

	@Override
	public Operation customize(Operation operation, Components components, HandlerMethod handlerMethod) {
		List<ProblemResponses> declared = new ArrayList<>();
		declared.addAll(
				AnnotatedElementUtils.findAllMergedAnnotations(handlerMethod.getBeanType(), ProblemResponses.class));
		declared
			.addAll(AnnotatedElementUtils.findAllMergedAnnotations(handlerMethod.getMethod(), ProblemResponses.class));
		Map<Integer, List<ProblemCode>> problems = new TreeMap<>();
		Map<Integer, Boolean> passedThrough = new TreeMap<>();
		for (ProblemResponses responses : declared) {
			for (ProblemCode code : responses.value()) {
				List<ProblemCode> codes = problems.computeIfAbsent(code.status().value(),
						(status) -> new ArrayList<>());
				if (!codes.contains(code)) {
					codes.add(code);
				}
			}
			for (int status : responses.passedThrough()) {
				passedThrough.put(status, true);
			}
		}
		if (problems.isEmpty() && passedThrough.isEmpty()) {
			return operation;
		}
		if (operation.getResponses() == null) {
			operation.setResponses(new ApiResponses());
		}
		Schema<?> problem = SpringDocAnnotationsUtils.extractSchema(components, ProblemBody.class, null, null,
				this.specVersion);
		problems.forEach((status, codes) -> response(operation, status).description(describe(codes))
			.content(content(response(operation, status)).addMediaType(PROBLEM_JSON,
					new MediaType().schema(problem).examples(examples(codes))))
			.headers(headers(codes)));
		passedThrough.keySet().forEach((status) -> passedThrough(response(operation, status)));
		operation.setResponses(sorted(operation.getResponses()));
		return operation;
	}

	private static ApiResponse response(Operation operation, int status) {
		return operation.getResponses().computeIfAbsent(String.valueOf(status), (key) -> new ApiResponse());
	}

	private static Content content(ApiResponse response) {
		if (response.getContent() == null) {
			response.setContent(new Content());
		}
		return response.getContent();
	}

	private static String describe(List<ProblemCode> codes) {
		StringBuilder text = new StringBuilder("A problem the gateway made:");
		codes.forEach((code) -> text.append("\n- `")
			.append(code.name())
			.append("`: ")
			.append(MEANINGS.getOrDefault(code, code.title())));
		return text.toString();
	}

	private static Map<String, Example> examples(List<ProblemCode> codes) {
		Map<String, Example> examples = new LinkedHashMap<>();
		for (ProblemCode code : codes) {
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("type", "about:blank");
			body.put("title", code.title());
			body.put("status", code.status().value());
			body.put("detail", MEANINGS.getOrDefault(code, code.title()));
			body.put("code", code.name());
			body.put("requestId", "3f0c6d5e-8c1b-4c59-9d5e-0b5b0f1b6a1e");
			new TreeMap<>(PROPERTIES.getOrDefault(code, Map.of())).forEach(body::put);
			examples.put(code.name(), new Example().summary(code.title()).value(body));
		}
		return examples;
	}

	private static Map<String, Header> headers(List<ProblemCode> codes) {
		Map<String, Header> headers = new LinkedHashMap<>();
		if (codes.contains(ProblemCode.UNAUTHENTICATED)) {
			headers.put("WWW-Authenticate",
					new Header().description("`Bearer realm=\"session-gateway\"`").schema(typed("string")));
		}
		if (codes.stream().anyMatch(RETRY_AFTER::contains)) {
			headers.put("Retry-After",
					new Header().description("seconds to wait before trying again").schema(typed("integer")));
		}
		if (codes.contains(ProblemCode.SESSION_LIMIT_REACHED)) {
			headers.put("RateLimit-Policy",
					new Header()
						.description("the client's caps at the provider (draft-ietf-httpapi-ratelimit-headers): "
								+ "`\"live\";q=50;qu=\"concurrent-requests\"` for max-live, `\"opens\";q=30;w=60` for "
								+ "opens-per-minute")
						.schema(typed("string")));
			headers.put("RateLimit",
					new Header()
						.description("what is left of each: `\"live\";r=0, \"opens\";r=12;t=36` (t: seconds until "
								+ "the opens are all back)")
						.schema(typed("string")));
		}
		return headers.isEmpty() ? null : headers;
	}

	private static void passedThrough(ApiResponse response) {
		String passed = "The provider's own answer about the request, passed on with its status and body unchanged.";
		response.description(
				(response.getDescription() != null) ? response.getDescription() + "\n\nOr: " + passed : passed);
		content(response).addMediaType(org.springframework.http.MediaType.APPLICATION_JSON_VALUE,
				new MediaType().schema(typed("object").description("the provider's error answer, as it sent it")));
	}

	private static Schema<Object> typed(String type) {
		Schema<Object> schema = new Schema<>();
		schema.setType(type);
		schema.addType(type);
		return schema;
	}

	private static ApiResponses sorted(ApiResponses responses) {
		ApiResponses sorted = new ApiResponses();
		new TreeMap<>(responses).forEach(sorted::addApiResponse);
		return sorted;
	}

}

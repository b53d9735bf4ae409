package dev.sessiongateway.web;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.web.util.UriUtils;

/**
 * Strict reading of JSON request bodies and ids: duplicate keys, excessive nesting, wrong
 * types and control characters are refused with a problem naming the field, before
 * anything is recorded or forwarded.
 */
public final class JsonRequests {

	/** The longest id accepted (session ids). */
	public static final int MAX_ID_LENGTH = 256;

	/** How often an id is percent-decoded while looking for dots under its encoding. */
	private static final int MAX_DECODINGS = 4;

	/** The deepest nesting any body may have; finer limits are checked per field. */
	static final int MAX_BODY_DEPTH = 64;

	private static final JsonMapper STRICT = JsonMapper
		.builder(JsonFactory.builder()
			.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
			.streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_BODY_DEPTH).build())
			.build())
		.build();

	private JsonRequests() {
	}

	/** Reads a body that must be one JSON object. */
	public static ObjectNode readObject(byte @Nullable [] body) {
		if (body == null || body.length == 0) {
			throw ProblemException.invalid("body", "is required");
		}
		JsonNode node;
		try {
			node = STRICT.readTree(body);
		}
		catch (StreamConstraintsException ex) {
			throw ProblemException.invalid("body", "is nested too deeply");
		}
		catch (JacksonException ex) {
			String message = (ex.getMessage() != null && ex.getMessage().startsWith("Duplicate"))
					? "has a duplicate key" : "is not valid JSON";
			throw ProblemException.invalid("body", message);
		}
		if (node == null || !node.isObject()) {
			throw ProblemException.invalid("body", "must be a JSON object");
		}
		return (ObjectNode) node;
	}

	/** Refuses any top-level field not in {@code allowed}. */
	public static void onlyFields(ObjectNode body, Set<String> allowed) {
		List<FieldProblem> unknown = body.propertyNames()
			.stream()
			.filter((name) -> !allowed.contains(name))
			.map((name) -> new FieldProblem(printable(name), "is not a field this request accepts"))
			.toList();
		if (!unknown.isEmpty()) {
			throw new ProblemException(ProblemCode.VALIDATION_FAILED, "Invalid request: unknown fields", unknown, null);
		}
	}

	/** A required string field holding an id, checked as {@link #checkId} does. */
	public static String requiredId(ObjectNode body, String field) {
		String id = optionalId(body, field);
		if (id == null) {
			throw ProblemException.invalid(field, "is required");
		}
		return id;
	}

	/** An optional string field holding an id, checked as {@link #checkId} does. */
	public static @Nullable String optionalId(ObjectNode body, String field) {
		String id = optionalString(body, field, MAX_ID_LENGTH);
		return (id != null) ? checkId(field, id) : null;
	}

	/**
	 * An optional string field: a string of 1..maxLength characters without control
	 * characters.
	 */
	public static @Nullable String optionalString(ObjectNode body, String field, int maxLength) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw ProblemException.invalid(field, "must be a string");
		}
		return checkText(field, value.stringValue(), maxLength);
	}

	/**
	 * Checks an id from a path or a body: 1..256 characters, no control characters, and
	 * not a path segment that a URI resolver rewrites.
	 */
	public static String checkId(String field, String id) {
		return checkId(field, id, MAX_ID_LENGTH);
	}

	/**
	 * Checks an id of at most {@code maxLength} characters. Every id may travel to a
	 * provider as a path segment, where {@code .} and {@code ..} are not names but moves
	 * ({@code /sessions/..} is {@code /}), so an id made only of dots is refused: as it
	 * is, after percent-decoding it up to four times ({@code %2e%2e}, which RFC 3986
	 * equates with {@code ..}, and which a proxy that decodes once more than it should
	 * turns into it), and after Unicode compatibility folding (fullwidth {@code ．}, the
	 * two-dot leader {@code ‥}), which software that normalises text may apply.
	 */
	public static String checkId(String field, String id, int maxLength) {
		checkText(field, id, maxLength);
		if (isOnlyDots(id)) {
			throw ProblemException.invalid(field,
					"must not be made only of dots: as a path segment it would change the provider's path");
		}
		return id;
	}

	private static boolean isOnlyDots(String id) {
		String segment = id;
		for (int decodings = 0; decodings <= MAX_DECODINGS; decodings++) {
			String folded = Normalizer.normalize(segment, Normalizer.Form.NFKC);
			if (!folded.isEmpty() && folded.chars().allMatch((c) -> c == '.')) {
				return true;
			}
			String decoded;
			try {
				decoded = UriUtils.decode(segment, StandardCharsets.UTF_8);
			}
			catch (IllegalArgumentException ex) {
				return false;
			}
			if (decoded.equals(segment)) {
				return false;
			}
			segment = decoded;
		}
		return false;
	}

	/** Checks a text value: 1..maxLength characters, no control characters. */
	public static String checkText(String field, String value, int maxLength) {
		if (value.isEmpty()) {
			throw ProblemException.invalid(field, "must not be empty");
		}
		if (value.codePointCount(0, value.length()) > maxLength) {
			throw ProblemException.invalid(field, "must be at most " + maxLength + " characters");
		}
		if (value.codePoints().anyMatch(JsonRequests::isControl)) {
			throw ProblemException.invalid(field, "must not contain control characters");
		}
		return value;
	}

	/** How deeply a value nests: 0 for a scalar, 1 for a flat object or array. */
	public static int depth(JsonNode node) {
		if (!node.isContainer()) {
			return 0;
		}
		int deepest = 0;
		for (JsonNode child : node) {
			deepest = Math.max(deepest, depth(child));
		}
		return deepest + 1;
	}

	/** The size of a value written as compact JSON, in bytes. */
	public static int serializedSize(JsonNode node) {
		return STRICT.writeValueAsBytes(node).length;
	}

	private static boolean isControl(int codePoint) {
		int type = Character.getType(codePoint);
		return type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR;
	}

	private static String printable(String name) {
		String cleaned = name.codePoints()
			.map((c) -> isControl(c) ? '?' : c)
			.limit(64)
			.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
			.toString();
		return cleaned.isEmpty() ? "(empty)" : cleaned;
	}

}

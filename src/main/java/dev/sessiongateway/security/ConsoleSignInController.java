package dev.sessiongateway.security;

import java.time.Instant;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.sessiongateway.security.ClientKeys.KnownKey;
import dev.sessiongateway.security.ConsoleSessions.ConsoleSession;
import dev.sessiongateway.web.ApiDocs;
import dev.sessiongateway.web.JsonRequests;
import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.ProblemException;
import dev.sessiongateway.web.ProblemResponses;

/**
 * Signing in to the ops console with an ops key, and out again. The key travels only in
 * the body of the sign-in; the browser then holds a random token in an {@code HttpOnly},
 * {@code SameSite=Strict} cookie scoped to {@code /ops} ({@code Secure} over https),
 * which no script can read. The answer carries the CSRF token that state-changing console
 * requests send back in {@code X-CSRF-Token}.
 */
@RestController
@RequestMapping(ConsoleSignInController.PATH)
@Tag(name = ConsoleApiDocs.TAG, description = "Signing in to the ops console (/ops/) with an ops key, and out again.")
@ProblemResponses({ ProblemCode.UNAUTHENTICATED, ProblemCode.FORBIDDEN })
class ConsoleSignInController {

	static final String PATH_SCOPE = "/ops";

	static final String PATH = PATH_SCOPE + "/console";

	static final String SIGN_IN_PATH = PATH + "/sign-in";

	private static final Logger log = LoggerFactory.getLogger(ConsoleSignInController.class);

	private final ClientKeys keys;

	private final ConsoleSessions sessions;

	private final ConsoleProperties properties;

	private final ConsoleSignInLimits limits;

	ConsoleSignInController(ClientKeys keys, ConsoleSessions sessions, ConsoleProperties properties,
			ConsoleSignInLimits limits) {
		this.keys = keys;
		this.sessions = sessions;
		this.properties = properties;
		this.limits = limits;
	}

	/** Who is signed in, the CSRF token, and when the sign-in ends at the latest. */
	@Schema(name = "ConsoleSignIn", description = "A console sign-in; its token is in the cookie only.")
	record SignedIn(
			@Schema(description = "the name of the client whose key signed in", example = "demo-ops") String client,
			@Schema(description = "sent back in X-CSRF-Token by every console request that changes anything",
					example = "8J0b3uQw1Xk9nT2cYv5mR7sLh4pZe6dA0fGiKoNqWjE") String csrfToken,
			@Schema(description = "when the sign-in ends at the latest (gateway.console.lifetime after it was made)",
					example = "2026-12-01T21:00:00Z") Instant expiresAt,
			@Schema(description = "how long the sign-in may go unused before it ends (gateway.console.idle-timeout)",
					example = "1800") long idleTimeoutSeconds) {
	}

	/**
	 * Signs in with {@code {"key": "<ops key>"}}: 200 with the sign-in and its cookie;
	 * 401 for a key the gateway does not know, 403 for a key without the ops role; 429
	 * without looking at the key when too many sign-ins failed lately
	 * ({@link ConsoleSignInLimits}). A caller that accepts no JSON answer is refused
	 * before anyone is signed in.
	 */
	@Operation(operationId = "consoleSignIn", summary = "Sign in to the ops console",
			description = "Takes an ops client key in the body, never in a header or the query, and answers with "
					+ "the sign-in: its CSRF token in the body, and its token in the `gateway_console` cookie "
					+ "(HttpOnly, SameSite=Strict, Path=/ops, Secure over https), which then authenticates the "
					+ "console's requests to the ops routes. The gateway keeps the key nowhere and stores only the "
					+ "SHA-256 of the cookie's token. 401: the key matches no client (as does a header key sent "
					+ "along); 403: its client has no ops role; 429: too many sign-ins failed lately from this "
					+ "address (or from all of them), and the key was not looked at; `Retry-After` says when to "
					+ "try again.")
	@SecurityRequirements
	@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = ConsoleApiDocs.SignInRequest.class),
					examples = @ExampleObject(name = "sign-in", summary = "An ops key",
							value = ConsoleApiDocs.SIGN_IN_EXAMPLE)))
	@ApiResponse(responseCode = "200", description = "Signed in.",
			headers = @Header(name = HttpHeaders.SET_COOKIE,
					description = "`gateway_console=<token>; Path=/ops; HttpOnly; SameSite=Strict` (and `Secure` "
							+ "over https)",
					schema = @Schema(type = "string")),
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = SignedIn.class),
					examples = @ExampleObject(name = "signed-in", summary = "Signed in",
							value = ConsoleApiDocs.SIGNED_IN_EXAMPLE)))
	@ProblemResponses({ ProblemCode.VALIDATION_FAILED, ProblemCode.PAYLOAD_TOO_LARGE,
			ProblemCode.UNSUPPORTED_MEDIA_TYPE, ProblemCode.SIGN_IN_LIMIT_REACHED })
	@PostMapping(path = "/sign-in", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<SignedIn> signIn(@RequestBody(required = false) byte @Nullable [] body, HttpServletRequest request) {
		ObjectNode fields = JsonRequests.readObject(body);
		JsonRequests.onlyFields(fields, Set.of("key"));
		String key = JsonRequests.optionalString(fields, "key", 1024);
		if (key == null) {
			throw ProblemException.invalid("key", "is required");
		}
		ConsoleSignInLimits.Attempt attempt = this.limits.admit(request.getRemoteAddr());
		KnownKey known = this.keys.findKey(key.strip());
		if (known == null) {
			this.limits.failed(attempt, ConsoleSignInLimits.Failure.UNKNOWN_KEY);
			throw new ProblemException(ProblemCode.UNAUTHENTICATED, "The key is not valid.");
		}
		if (!known.client().roles().contains(Role.OPS)) {
			this.limits.failed(attempt, ConsoleSignInLimits.Failure.NO_OPS_ROLE);
			throw new ForbiddenException("The console is for ops staff: this key has no ops role.");
		}
		this.limits.succeeded(attempt);
		ConsoleSessions.SignIn signIn = this.sessions.start(known);
		log.info("Console sign-in by client {} from {}", known.client().name(), attempt.source());
		return ResponseEntity.ok()
			.header(HttpHeaders.SET_COOKIE, cookie(signIn.token(), request).toString())
			.body(signedIn(signIn.session()));
	}

	/** The sign-in this browser holds; 401 when it holds none. */
	@Operation(operationId = "consoleSession", summary = "Read this browser's console sign-in",
			description = "The sign-in the `gateway_console` cookie stands for, with its CSRF token: how the console "
					+ "page finds out, when it loads, whether it is signed in. Using the sign-in moves its idle "
					+ "timeout on. A client key in a header takes the cookie's place: an ops key gets 401 (a key is "
					+ "no sign-in), any other key 403.",
			security = @SecurityRequirement(name = ApiDocs.CONSOLE_COOKIE))
	@ApiResponse(responseCode = "200", description = "The sign-in.",
			content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
					schema = @Schema(implementation = SignedIn.class),
					examples = @ExampleObject(name = "signed-in", summary = "Signed in",
							value = ConsoleApiDocs.SIGNED_IN_EXAMPLE)))
	@GetMapping("/session")
	SignedIn current(@RequestAttribute(name = ConsoleSessionFilter.ATTRIBUTE,
			required = false) @Nullable ConsoleSession session) {
		return signedIn(required(session));
	}

	/** Ends this browser's sign-in, on every replica, and drops its cookie. */
	@Operation(operationId = "consoleSignOut", summary = "Sign out of the ops console",
			description = "Ends the cookie's sign-in on every replica and drops the cookie. Needs the sign-in's CSRF "
					+ "token in `X-CSRF-Token`: without it (or with another) the answer is 403 and the sign-in goes "
					+ "on. A client key in a header takes the cookie's place: an ops key gets 401 (a key is no "
					+ "sign-in), any other key 403.",
			security = @SecurityRequirement(name = ApiDocs.CONSOLE_COOKIE))
	@ApiResponse(responseCode = "204", description = "Signed out.",
			headers = @Header(name = HttpHeaders.SET_COOKIE,
					description = "`gateway_console=; Path=/ops; Max-Age=0; ...`: the browser drops the cookie",
					schema = @Schema(type = "string")))
	@PostMapping("/sign-out")
	ResponseEntity<Void> signOut(
			@RequestAttribute(name = ConsoleSessionFilter.ATTRIBUTE, required = false) @Nullable ConsoleSession session,
			HttpServletRequest request) {
		ConsoleSession signedIn = required(session);
		this.sessions.end(signedIn.tokenSha256());
		log.info("Console sign-out by client {}", signedIn.client().name());
		return ResponseEntity.noContent().header(HttpHeaders.SET_COOKIE, cookie("", request).toString()).build();
	}

	private SignedIn signedIn(ConsoleSession session) {
		return new SignedIn(session.client().name(), session.csrfToken(), session.expiresAt(),
				this.properties.idleTimeout().toSeconds());
	}

	private static ConsoleSession required(@Nullable ConsoleSession session) {
		if (session == null) {
			throw new ProblemException(ProblemCode.UNAUTHENTICATED, "Not signed in to the console.");
		}
		return session;
	}

	/** The sign-in cookie; an empty token makes the browser drop it. */
	private static ResponseCookie cookie(String token, HttpServletRequest request) {
		ResponseCookie.ResponseCookieBuilder cookie = ResponseCookie.from(ConsoleSessionFilter.COOKIE, token)
			.httpOnly(true)
			.secure(request.isSecure())
			.sameSite("Strict")
			.path(PATH_SCOPE);
		return (token.isEmpty() ? cookie.maxAge(0) : cookie).build();
	}

}

package dev.sessiongateway.security;

import java.time.Instant;
import java.util.Set;

import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

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
import dev.sessiongateway.web.JsonRequests;
import dev.sessiongateway.web.ProblemCode;
import dev.sessiongateway.web.ProblemException;

/**
 * Signing in to the ops console with an ops key, and out again. The key travels only in
 * the body of the sign-in; the browser then holds a random token in an {@code HttpOnly},
 * {@code SameSite=Strict} cookie scoped to {@code /ops} ({@code Secure} over https),
 * which no script can read. The answer carries the CSRF token that state-changing console
 * requests send back in {@code X-CSRF-Token}.
 */
@RestController
@RequestMapping(ConsoleSignInController.PATH)
class ConsoleSignInController {

	static final String PATH_SCOPE = "/ops";

	static final String PATH = PATH_SCOPE + "/console";

	static final String SIGN_IN_PATH = PATH + "/sign-in";

	private static final Logger log = LoggerFactory.getLogger(ConsoleSignInController.class);

	private final ClientKeys keys;

	private final ConsoleSessions sessions;

	private final ConsoleProperties properties;

	ConsoleSignInController(ClientKeys keys, ConsoleSessions sessions, ConsoleProperties properties) {
		this.keys = keys;
		this.sessions = sessions;
		this.properties = properties;
	}

	/** Who is signed in, the CSRF token, and when the sign-in ends at the latest. */
	record SignedIn(String client, String csrfToken, Instant expiresAt, long idleTimeoutSeconds) {
	}

	/**
	 * Signs in with {@code {"key": "<ops key>"}}: 200 with the sign-in and its cookie;
	 * 401 for a key the gateway does not know, 403 for a key without the ops role. A
	 * caller that accepts no JSON answer is refused before anyone is signed in.
	 */
	@PostMapping(path = "/sign-in", consumes = MediaType.APPLICATION_JSON_VALUE,
			produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<SignedIn> signIn(@RequestBody(required = false) byte @Nullable [] body, HttpServletRequest request) {
		ObjectNode fields = JsonRequests.readObject(body);
		JsonRequests.onlyFields(fields, Set.of("key"));
		String key = JsonRequests.optionalString(fields, "key", 1024);
		if (key == null) {
			throw ProblemException.invalid("key", "is required");
		}
		KnownKey known = this.keys.findKey(key.strip());
		if (known == null) {
			log.info("Console sign-in refused: the key matches no client");
			throw new ProblemException(ProblemCode.UNAUTHENTICATED, "The key is not valid.");
		}
		if (!known.client().roles().contains(Role.OPS)) {
			log.info("Console sign-in refused: client {} has no ops role", known.client().name());
			throw new ForbiddenException("The console is for ops staff: this key has no ops role.");
		}
		ConsoleSessions.SignIn signIn = this.sessions.start(known);
		log.info("Console sign-in by client {}", known.client().name());
		return ResponseEntity.ok()
			.header(HttpHeaders.SET_COOKIE, cookie(signIn.token(), request).toString())
			.body(signedIn(signIn.session()));
	}

	/** The sign-in this browser holds; 401 when it holds none. */
	@GetMapping("/session")
	SignedIn current(@RequestAttribute(name = ConsoleSessionFilter.ATTRIBUTE,
			required = false) @Nullable ConsoleSession session) {
		return signedIn(required(session));
	}

	/** Ends this browser's sign-in, on every replica, and drops its cookie. */
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

package dev.sessiongateway.web;

import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * Names and shapes the OpenAPI description shares between routes.
 */
public final class ApiDocs {

	/** The security scheme of a client key in {@code Authorization: Bearer}. */
	public static final String CLIENT_KEY = "clientKey";

	/** The security scheme of a client key in {@code X-Api-Key}. */
	public static final String API_KEY = "apiKey";

	/**
	 * The security scheme of an ops console sign-in's cookie; the {@code security}
	 * package describes it.
	 */
	public static final String CONSOLE_COOKIE = "consoleCookie";

	private ApiDocs() {
	}

	/**
	 * The gateway's own answer to an end it could not confirm yet, or that another
	 * request had already carried out.
	 */
	@Schema(name = "EndStatus", description = "The gateway's answer about an end, from its ledger.")
	public record EndStatus(
			@Schema(description = "the session's id at the provider", example = "chat-001") @Nullable String sessionId,
			@Schema(description = "ENDING while the end is pending, or where another request left the session",
					example = "ENDING") String status,
			@Schema(example = "The provider did not confirm the end yet (provider unreachable); "
					+ "the gateway keeps trying until it does.") String message) {
	}

}

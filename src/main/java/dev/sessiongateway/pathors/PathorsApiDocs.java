package dev.sessiongateway.pathors;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.jspecify.annotations.Nullable;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the OpenAPI description shows of the Pathors routes' bodies: the shapes Pathors
 * documents, with examples. The routes read their bodies as bytes and check them in
 * {@link PathorsRequests}; these records only describe them.
 */
@Configuration(proxyBeanMethods = false)
class PathorsApiDocs {

	static final String TAG = "Pathors sessions";

	static final String CREATE_EXAMPLE = """
			{"session_id": "chat-001", "variables": {"customer": "c-42"}, "provider": "api"}""";

	static final String CREATED_EXAMPLE = """
			{"sessionId": "chat-001", "pathwayId": "pw_7c1e"}""";

	static final String END_EXAMPLE = """
			{"session_id": "chat-001"}""";

	static final String ENDED_EXAMPLE = """
			{"success": true, "sessionId": "chat-001", "message": "Session ended"}""";

	static final String TERMINATE_EXAMPLE = """
			{"session_id": "call-001", "phone_number": "+15550100", "message": "Thanks for calling, goodbye."}""";

	static final String TERMINATED_EXAMPLE = """
			{"success": true, "sessionType": "call"}""";

	static final String SESSION_EXAMPLE = """
			{"sessionId": "chat-001", "data": {"variables": {"customer": "c-42"}, "messages": []},
			 "createdAt": "2026-12-01T09:00:00Z", "updatedAt": "2026-12-01T09:05:00Z"}""";

	static final String WEBHOOK_ENDED_EXAMPLE = """
			{"event": "session.ended", "sessionId": "chat-001", "timestamp": "2026-12-01T09:30:00Z",
			 "currentNodeId": "goodbye", "messagesCount": 12, "extractedVariables": {"resolved": true}}""";

	static final String WEBHOOK_FINALIZED_EXAMPLE = """
			{"event": "session.finalized", "sessionId": "chat-001", "projectId": "demo-project",
			 "timestamp": 1796117400}""";

	static final String WEBHOOK_CALL_ENDED_EXAMPLE = """
			{"event": "call.ended", "sessionId": "call-001", "projectId": "demo-project",
			 "timestamp": "2026-12-01T09:30:00Z"}""";

	static final String RECEIPT_EXAMPLE = """
			{"received": true, "tracked": true}""";

	private static final String LEGACY_PATH = "/pathors/api/project/";

	/** The security scheme of the webhook's shared secret. */
	static final String WEBHOOK_SECRET = "webhookSecret";

	/** The webhook's shared secret, as Swagger UI's Authorize offers it. */
	@Bean
	OpenApiCustomizer pathorsWebhookSecret() {
		return (openApi) -> openApi.getComponents()
			.addSecuritySchemes(WEBHOOK_SECRET,
					new SecurityScheme().type(SecurityScheme.Type.HTTP)
						.scheme("bearer")
						.description("The webhook's shared secret (`gateway.pathors.webhook-secret`), "
								+ "sent by Pathors as `Authorization: Bearer <secret>`."));
	}

	/**
	 * The legacy paths are described as deprecated: Pathors switched them off, and the
	 * gateway only keeps them working for callers written against them.
	 */
	@Bean
	OpenApiCustomizer pathorsLegacyPaths() {
		return (openApi) -> openApi.getPaths().forEach((path, item) -> {
			if (path.startsWith(LEGACY_PATH)) {
				item.readOperations().forEach(PathorsApiDocs::legacy);
			}
		});
	}

	private static void legacy(Operation operation) {
		operation.setDeprecated(true);
		if (operation.getOperationId() != null) {
			operation.setOperationId(operation.getOperationId().replaceFirst("_\\d+$", "") + "Legacy");
		}
		operation.setSummary(operation.getSummary() + " (legacy path)");
		operation.setDescription("The path Pathors switched off on 2026-07-11, kept working by the gateway, which "
				+ "forwards it to the `/v1` route: same body, same answers. New callers use the `/v1` path.\n\n"
				+ operation.getDescription());
	}

	@Schema(name = "PathorsCreateRequest", description = "Opens a session; only the fields Pathors documents.")
	record CreateRequest(
			@JsonProperty("session_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minLength = 1,
					maxLength = 256, description = "the caller's id for the session, without control characters",
					example = "chat-001") String sessionId,
			@Schema(description = "a JSON object passed to the pathway, at most 64 KiB and 32 levels deep",
					example = "{\"customer\": \"c-42\"}") @Nullable Map<String, Object> variables,
			@Schema(maxLength = 64, description = "the channel, for example api or web",
					example = "api") @Nullable String provider) {
	}

	@Schema(name = "PathorsCreated", description = "Pathors' confirmation, passed on unchanged.")
	record Created(@Schema(example = "chat-001") String sessionId, @Schema(example = "pw_7c1e") String pathwayId) {
	}

	@Schema(name = "PathorsEndRequest", description = "Ends a session.")
	record EndRequest(@JsonProperty("session_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minLength = 1,
			maxLength = 256, example = "chat-001") String sessionId) {
	}

	@Schema(name = "PathorsEnded", description = "Pathors' answer to an end, passed on unchanged.")
	record Ended(@Schema(example = "true") boolean success, @Schema(example = "chat-001") String sessionId,
			@Schema(example = "Session ended") String message) {
	}

	@Schema(name = "PathorsTerminateRequest",
			description = "Terminates a live call; every field is optional, no other field is accepted.")
	record TerminateRequest(
			@JsonProperty("session_id") @Schema(minLength = 1, maxLength = 256,
					description = "a tracked session is recorded ENDED once Pathors says success",
					example = "call-001") @Nullable String sessionId,
			@JsonProperty("phone_number") @Schema(minLength = 1, maxLength = 64,
					example = "+15550100") @Nullable String phoneNumber,
			@Schema(minLength = 1, maxLength = 4096, description = "what is said before hanging up",
					example = "Thanks for calling, goodbye.") @Nullable String message) {
	}

	@Schema(name = "PathorsTerminated", description = "Pathors' answer to a terminate, passed on unchanged.")
	record Terminated(@Schema(example = "true") boolean success, @Schema(example = "call") String sessionType) {
	}

	@Schema(name = "PathorsSession",
			description = "Pathors' answer about one session, passed on unchanged; its shape varies by session type.")
	record Session(@Schema(example = "chat-001") String sessionId) {
	}

	@Schema(name = "PathorsWebhookEvent",
			description = "A post-session webhook delivery. session.finalized, session.ended and call.ended end "
					+ "the tracked session; other events are acknowledged and ignored.")
	record WebhookEvent(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {
			"session.finalized", "session.ended", "call.ended", "recording.ready" },
			example = "session.ended") String event,
			@Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 256,
					example = "chat-001") String sessionId,
			@Schema(description = "when it happened: ISO-8601, or epoch seconds or milliseconds (the arrival time "
					+ "when missing)", example = "2026-12-01T09:30:00Z") @Nullable String timestamp,
			@Schema(example = "demo-project") @Nullable String projectId,
			@Schema(description = "session.ended only", example = "goodbye") @Nullable String currentNodeId,
			@Schema(description = "session.ended only", example = "12") @Nullable Integer messagesCount,
			@Schema(description = "session.ended only") @Nullable Map<String, Object> extractedVariables){
	}

	@Schema(name = "PathorsWebhookReceipt")
	record WebhookReceipt(@Schema(example = "true") boolean received,
			@Schema(description = "whether the gateway ever tracked that session", example = "true") boolean tracked) {
	}

}

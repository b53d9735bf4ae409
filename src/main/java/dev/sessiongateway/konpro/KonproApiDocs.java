package dev.sessiongateway.konpro;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * What the OpenAPI description shows of the Konpro routes' bodies, with examples. The
 * create body is forwarded as the caller sent it and its reply returned byte for byte;
 * these records only describe them.
 */
final class KonproApiDocs {

	static final String TAG = "Konpro sessions";

	static final String CREATE_EXAMPLE = """
			{"agentic_avatar_id": "avatar-1", "settings": {"max_duration": 600},
			 "user_metadata": {"plan": "gold"}, "audio_only": false}""";

	static final String CREATED_EXAMPLE = """
			{"data": {"session_token": "tok_9f2c", "session_id": "ws_123", "expires_at": "2026-12-01T10:00:00Z",
			 "expires_in": 3600, "websocket_url": "wss://rt.konpro.ai/ws/ws_123", "user_id": "u_1",
			 "avatar": {"id": "avatar-1"}}, "meta": {}}""";

	static final String SESSION_EXAMPLE = """
			{"session_id": "ws_123", "agentic_avatar_id": "avatar-1", "status": "active",
			 "created_at": "2026-12-01T09:00:00Z", "expires_at": "2026-12-01T10:00:00Z"}""";

	static final String DELETED_EXAMPLE = """
			{"message": "Session terminated successfully", "session_id": "ws_123"}""";

	private KonproApiDocs() {
	}

	@Schema(name = "KonproCreateRequest",
			description = "Creates a widget session. Forwarded as sent: fields beyond these are passed on too.",
			additionalProperties = Schema.AdditionalPropertiesValue.TRUE)
	record CreateRequest(
			@JsonProperty("agentic_avatar_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minLength = 1,
					maxLength = 256, example = "avatar-1") String agenticAvatarId,
			@Schema(description = "for example max_duration in seconds",
					example = "{\"max_duration\": 600}") @Nullable Map<String, Object> settings,
			@JsonProperty("user_metadata") @Nullable Map<String, Object> userMetadata,
			@JsonProperty("allowed_origins") @Nullable List<String> allowedOrigins,
			@JsonProperty("audio_only") @Nullable Boolean audioOnly,
			@JsonProperty("enable_webrtc") @Nullable Boolean enableWebrtc) {
	}

	@Schema(name = "KonproCreated",
			description = "Konpro's reply, byte for byte (never cached): the widget needs every field.")
	record Created(@Schema(description = "session_token, session_id, expires_at, expires_in, websocket_url, "
			+ "user_id, avatar") Map<String, Object> data, @Nullable Map<String, Object> meta) {
	}

	@Schema(name = "KonproSession", description = "Konpro's answer about a session, unchanged.")
	record Session(@JsonProperty("session_id") String sessionId,
			@JsonProperty("agentic_avatar_id") @Nullable String agenticAvatarId,
			@Schema(example = "active") String status, @JsonProperty("created_at") @Nullable String createdAt,
			@JsonProperty("expires_at") @Nullable String expiresAt) {
	}

	@Schema(name = "KonproDeleted", description = "Konpro's answer to a delete, unchanged.")
	record Deleted(@Schema(example = "Session terminated successfully") String message,
			@JsonProperty("session_id") String sessionId) {
	}

}

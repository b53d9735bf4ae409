package dev.sessiongateway.idempotency;

import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Publishes the idempotency policy in the API description, with this deployment's window
 * as the draft asks: what a key is, how long it holds, and what a retry under it gets.
 */
@Configuration(proxyBeanMethods = false)
class IdempotencyApiDocs {

	@Bean
	OpenApiCustomizer idempotencyPolicy(IdempotencyProperties properties) {
		return (openApi) -> {
			if (openApi.getInfo() == null || openApi.getInfo().getDescription() == null) {
				return;
			}
			openApi.getInfo().setDescription(openApi.getInfo().getDescription() + "\n" + policy(properties));
		};
	}

	static String policy(IdempotencyProperties properties) {
		String window = properties.window().toString().substring(2).toLowerCase(java.util.Locale.ROOT);
		if (!properties.enabled()) {
			return "**Idempotent creates** are off in this deployment (gateway.idempotency.secret is not set): a "
					+ "create that sends `Idempotency-Key` is refused with `400 IDEMPOTENCY_KEYS_DISABLED`.\n";
		}
		return """
				**Idempotent creates.** Every create takes `Idempotency-Key: "<key>"` \
				(draft-ietf-httpapi-idempotency-key-header): a quoted string, new for each create, that is this \
				client's own. A key holds for **%s** from its first use (gateway.idempotency.window); then it and \
				the answer kept with it are deleted. A retry with the same key and body gets the first answer \
				again, byte for byte, with `Idempotent-Replayed: true`; while the first is in flight, \
				`409 IDEMPOTENCY_KEY_IN_FLIGHT`; with another body, `422 IDEMPOTENCY_KEY_REUSED`. A create the \
				provider certainly did not act on (refused, or never sent) lets its key go again.
				""".formatted(window);
	}

}

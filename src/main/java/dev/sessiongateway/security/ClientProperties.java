package dev.sessiongateway.security;

import java.util.List;
import java.util.Set;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The callers, under {@code gateway.clients[i]}. A client may list two key hashes while
 * its key is being rotated.
 */
@Validated
@ConfigurationProperties("gateway")
record ClientProperties(@NotEmpty(
		message = "no clients are configured: set gateway.clients[0].name, .key-sha256 and .roles") List<@Valid Client> clients) {

	record Client(@NotBlank(message = "every client needs a name") String name,
			@NotEmpty(message = "every client needs at least one key hash") List<@Pattern(regexp = "[0-9a-fA-F]{64}",
					message = "must be the SHA-256 of the key as 64 hex characters") String> keySha256,
			@NotEmpty(message = "every client needs at least one role (sessions, ops)") Set<Role> roles,
			@DefaultValue List<String> pathorsProjects, boolean konpro) {

	}

}

package dev.sessiongateway.security;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The callers, under {@code gateway.clients[i]}. A client may list two key hashes while
 * its key is being rotated. Every problem is reported at once, and a rejected value is
 * never echoed: a key pasted where its hash belongs must not end up in a log.
 */
@ConfigurationProperties("gateway")
record ClientProperties(List<Client> clients) {

	private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

	/**
	 * What {@code sha256sum} prints: the hash, then the file name ({@code -} for stdin).
	 */
	private static final Pattern SHA256SUM_LINE = Pattern.compile("[0-9a-fA-F]{64}\\s+\\*?\\S+");

	ClientProperties(@Nullable List<Client> clients) {
		this.clients = (clients != null) ? List.copyOf(clients) : List.of();
		List<String> problems = new ArrayList<>();
		if (this.clients.isEmpty()) {
			problems.add("no clients are configured: set gateway.clients[0].name, gateway.clients[0].key-sha256 and "
					+ "gateway.clients[0].roles");
		}
		for (int i = 0; i < this.clients.size(); i++) {
			problems.addAll(this.clients.get(i).problems("gateway.clients[" + i + "]"));
		}
		problems.addAll(sharedKeyHashes(this.clients));
		if (!problems.isEmpty()) {
			throw new IllegalArgumentException(String.join("; ", problems));
		}
	}

	/**
	 * Key hashes that two clients share: the key would be taken for one client or the
	 * other, and with it that client's roles and scopes. A client may list its own hash
	 * twice.
	 */
	private static List<String> sharedKeyHashes(List<Client> clients) {
		record Seen(int client, String property) {
		}
		Map<String, Seen> seen = new HashMap<>();
		List<String> problems = new ArrayList<>();
		for (int i = 0; i < clients.size(); i++) {
			List<String> hashes = clients.get(i).keySha256();
			for (int j = 0; j < hashes.size(); j++) {
				String hash = hashes.get(j);
				if (!SHA256_HEX.matcher(hash).matches()) {
					continue;
				}
				String property = "gateway.clients[" + i + "].key-sha256[" + j + "]";
				Seen first = seen.putIfAbsent(hash.toLowerCase(Locale.ROOT), new Seen(i, property));
				if (first != null && first.client() != i) {
					problems.add(first.property() + " and " + property + " are the same key hash: that key would be "
							+ "taken for either client, with its roles and scopes, so give each client a key of its "
							+ "own (values not shown)");
				}
			}
		}
		return problems;
	}

	/**
	 * One caller. {@code scopes.<provider>} lists the scopes it may use at each provider
	 * ({@code *} for all); {@code pathors-projects} and {@code konpro: true} are kept as
	 * the contract's names for {@code scopes.pathors} and {@code scopes.konpro: "*"}.
	 */
	record Client(@Nullable String name, @DefaultValue List<String> keySha256, @DefaultValue Set<Role> roles,
			@DefaultValue Map<String, List<String>> scopes, @DefaultValue List<String> pathorsProjects,
			boolean konpro) {

		/** The scopes this client may use, by provider. */
		Map<String, Set<String>> allowedScopes() {
			Map<String, Set<String>> allowed = new HashMap<>();
			this.scopes
				.forEach((provider, list) -> allowed.computeIfAbsent(provider, (p) -> new HashSet<>()).addAll(list));
			if (!this.pathorsProjects.isEmpty()) {
				allowed.computeIfAbsent("pathors", (p) -> new HashSet<>()).addAll(this.pathorsProjects);
			}
			if (this.konpro) {
				allowed.computeIfAbsent("konpro", (p) -> new HashSet<>()).add("*");
			}
			return allowed;
		}

		List<String> problems(String prefix) {
			List<String> problems = new ArrayList<>();
			if (this.name == null || this.name.isBlank()) {
				problems.add(prefix + ".name is missing");
			}
			if (this.keySha256.isEmpty()) {
				problems.add(prefix + ".key-sha256 is missing");
			}
			for (int j = 0; j < this.keySha256.size(); j++) {
				String hash = this.keySha256.get(j);
				if (SHA256SUM_LINE.matcher(hash).matches()) {
					problems.add(prefix + ".key-sha256[" + j + "] must be the 64 hex characters alone, but it goes on "
							+ "with what sha256sum prints after them (\"  -\"): keep only the hash, for example with "
							+ "printf %s \"$KEY\" | sha256sum | cut -d' ' -f1 (value not shown)");
				}
				else if (!SHA256_HEX.matcher(hash).matches()) {
					problems.add(prefix + ".key-sha256[" + j
							+ "] must be the SHA-256 of the key as 64 hex characters (value not shown)");
				}
			}
			if (this.roles.isEmpty()) {
				problems.add(prefix + ".roles is missing: give one or more of " + Role.names());
			}
			return problems;
		}

	}

}

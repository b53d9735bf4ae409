package dev.sessiongateway.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import dev.sessiongateway.events.EventHosts;
import dev.sessiongateway.events.EventTarget;
import dev.sessiongateway.tracking.Leases;
import dev.sessiongateway.tracking.ProviderSettings;
import dev.sessiongateway.tracking.SessionCaps;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.Errors;
import org.springframework.validation.SmartValidator;

/**
 * The callers, under {@code gateway.clients[i]}. A client may list two key hashes while
 * its key is being rotated. Its own check reports every problem at once, each under the
 * property it is about, and never echoes a value: a key pasted where its hash belongs
 * must not end up in a log.
 */
@ConfigurationProperties("gateway")
record ClientProperties(@DefaultValue List<Client> clients) implements SmartValidator {

	private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

	/**
	 * What {@code sha256sum} prints: the hash, then the file name ({@code -} for stdin).
	 */
	private static final Pattern SHA256SUM_LINE = Pattern.compile("[0-9a-fA-F]{64}\\s+\\*?\\S+");

	ClientProperties {
		clients = List.copyOf(clients);
	}

	@Override
	public boolean supports(Class<?> type) {
		return ClientProperties.class.isAssignableFrom(type);
	}

	/**
	 * Reports each problem under its property below {@code gateway}
	 * ({@code clients[0].name}); a problem that names another property has it as an
	 * argument.
	 */
	@Override
	public void validate(Object target, Errors errors) {
		List<Client> clients = ((ClientProperties) target).clients();
		if (clients.isEmpty()) {
			errors.reject("missing", new Object[] { "clients[0].name", "clients[0].key-sha256", "clients[0].roles" },
					"no clients are configured: set {0}, {1} and {2}");
		}
		for (int i = 0; i < clients.size(); i++) {
			clients.get(i).validate("clients[" + i + "]", errors);
		}
		sharedKeyHashes(clients, errors);
	}

	/**
	 * Also holds each client's caps to the providers whose {@link ProviderSettings} are
	 * among the hints (a cap must name one of them), and its event URL to the
	 * {@link EventHosts} among them (its host must be listed).
	 */
	@Override
	public void validate(Object target, Errors errors, Object... hints) {
		validate(target, errors);
		Stream.of(hints)
			.filter(EventHosts.class::isInstance)
			.map(EventHosts.class::cast)
			.findFirst()
			.ifPresent((hosts) -> eventHosts(((ClientProperties) target).clients(), hosts, errors));
		List<String> names = Stream.of(hints)
			.filter(ProviderSettings.class::isInstance)
			.map((settings) -> ((ProviderSettings) settings).provider())
			.sorted()
			.toList();
		if (names.isEmpty()) {
			return;
		}
		List<Client> clients = ((ClientProperties) target).clients();
		for (int i = 0; i < clients.size(); i++) {
			for (String provider : clients.get(i).limits().keySet()) {
				if (!names.contains(provider)) {
					errors.rejectValue("clients[" + i + "].limits." + provider, "unknown-provider",
							"names no provider (known: " + String.join(", ", names) + ")");
				}
			}
		}
	}

	/**
	 * Event URLs whose host the allow-list does not name: the gateway would call an
	 * address nobody allowed.
	 */
	private static void eventHosts(List<Client> clients, EventHosts hosts, Errors errors) {
		for (int i = 0; i < clients.size(); i++) {
			java.net.URI url = clients.get(i).events().url();
			if (url != null && url.getHost() != null && EventTarget.urlProblem(url) == null
					&& !hosts.allows(url.getHost())) {
				errors.rejectValue("clients[" + i + "].events.url", "host-not-allowed",
						new Object[] { "events.allowed-hosts" },
						"names a host that {0} does not list: add that host to it, or point the URL at one it lists "
								+ "(value not shown)");
			}
		}
	}

	/**
	 * Key hashes that two clients share: the key would be taken for one client or the
	 * other, and with it that client's roles and scopes. A client may list its own hash
	 * twice.
	 */
	private static void sharedKeyHashes(List<Client> clients, Errors errors) {
		record Seen(int client, String property) {
		}
		Map<String, Seen> seen = new HashMap<>();
		for (int i = 0; i < clients.size(); i++) {
			List<String> hashes = clients.get(i).keySha256();
			for (int j = 0; j < hashes.size(); j++) {
				String hash = hashes.get(j);
				if (!SHA256_HEX.matcher(hash).matches()) {
					continue;
				}
				String property = "clients[" + i + "].key-sha256[" + j + "]";
				Seen first = seen.putIfAbsent(hash.toLowerCase(Locale.ROOT), new Seen(i, property));
				if (first != null && first.client() != i) {
					errors.rejectValue(first.property(), "shared", new Object[] { property },
							"and {0} are the same key hash: that key would be taken for either client, with its "
									+ "roles and scopes, so give each client a key of its own (values not shown)");
				}
			}
		}
	}

	/**
	 * One caller. {@code scopes.<provider>} lists the scopes it may use at each provider
	 * ({@code *} for all). A provider's package may keep an older name for its scopes
	 * working beside this one ({@link ClientScopesAlias}): its scopes are added here
	 * while the client is bound.
	 */
	record Client(@Nullable String name, @DefaultValue List<String> keySha256, @DefaultValue Set<Role> roles,
			@DefaultValue Map<String, List<String>> scopes, @Nullable Duration defaultLeaseTtl,
			@DefaultValue Map<String, Limits> limits, @DefaultValue("scope") SessionsVisible sessionsVisible,
			@DefaultValue Events events) {

		/** This client, also allowed these scopes at that provider. */
		Client withScopes(String provider, List<String> more) {
			if (more.isEmpty()) {
				return this;
			}
			Map<String, List<String>> scopes = new HashMap<>(this.scopes);
			List<String> merged = new ArrayList<>(scopes.getOrDefault(provider, List.of()));
			merged.addAll(more);
			scopes.put(provider, merged);
			return new Client(this.name, this.keySha256, this.roles, scopes, this.defaultLeaseTtl, this.limits,
					this.sessionsVisible, this.events);
		}

		/** The caps this client has at each provider where it has one. */
		Map<String, SessionCaps> caps() {
			Map<String, SessionCaps> caps = new HashMap<>();
			this.limits.forEach((provider, limits) -> {
				if (limits.maxLive() > 0 || limits.opensPerMinute() > 0) {
					caps.put(provider, new SessionCaps(limits.maxLive(), limits.opensPerMinute()));
				}
			});
			return caps;
		}

		/** The scopes this client may use, by provider. */
		Map<String, Set<String>> allowedScopes() {
			Map<String, Set<String>> allowed = new HashMap<>();
			this.scopes.forEach((provider, list) -> allowed.put(provider, new HashSet<>(list)));
			return allowed;
		}

		void validate(String prefix, Errors errors) {
			if (this.name == null || this.name.isBlank()) {
				errors.rejectValue(prefix + ".name", "missing", "is missing");
			}
			if (this.keySha256.isEmpty()) {
				errors.rejectValue(prefix + ".key-sha256", "missing", "is missing");
			}
			for (int j = 0; j < this.keySha256.size(); j++) {
				String hash = this.keySha256.get(j);
				String property = prefix + ".key-sha256[" + j + "]";
				if (SHA256SUM_LINE.matcher(hash).matches()) {
					errors.rejectValue(property, "sha256sum-line",
							"must be the 64 hex characters alone, but it goes on with what sha256sum prints after "
									+ "them (\"  -\"): keep only the hash, for example with "
									+ "printf %s \"$KEY\" | sha256sum | cut -d' ' -f1 (value not shown)");
				}
				else if (!SHA256_HEX.matcher(hash).matches()) {
					errors.rejectValue(property, "not-sha256",
							"must be the SHA-256 of the key as 64 hex characters (value not shown)");
				}
			}
			if (this.roles.isEmpty()) {
				errors.rejectValue(prefix + ".roles", "missing", "is missing: give one or more of " + Role.names());
			}
			if (this.defaultLeaseTtl != null && (this.defaultLeaseTtl.compareTo(Leases.MIN_TTL) < 0
					|| this.defaultLeaseTtl.compareTo(Leases.MAX_TTL) > 0)) {
				errors.rejectValue(prefix + ".default-lease-ttl", "out-of-range",
						"must be " + Leases.MIN_TTL.toSeconds() + "s to " + Leases.MAX_TTL.toHours() + "h");
			}
			this.limits.forEach((provider, limits) -> limits.validate(prefix + ".limits." + provider, errors));
			this.events.validate(prefix + ".events", errors);
		}

	}

	/**
	 * Where a client's events go ({@code gateway.clients[i].events}): its URL, and the
	 * secret deliveries are signed with. Both or neither.
	 *
	 * @param url an http or https URL whose host {@code gateway.events.allowed-hosts}
	 * lists
	 * @param secret {@code whsec_} and the base64 of 24 to 64 random bytes (Standard
	 * Webhooks), from the environment
	 */
	record Events(java.net.@Nullable URI url, @Nullable String secret) {

		void validate(String prefix, Errors errors) {
			if (this.url != null) {
				String problem = EventTarget.urlProblem(this.url);
				if (problem != null) {
					errors.rejectValue(prefix + ".url", "not-http", problem);
				}
			}
			if (this.secret != null) {
				String problem = EventTarget.secretProblem(this.secret);
				if (problem != null) {
					errors.rejectValue(prefix + ".secret", "not-a-secret", problem);
				}
			}
			if (this.url != null && this.secret == null) {
				errors.rejectValue(prefix + ".secret", "missing",
						"is missing: every event is signed, so an event URL needs its secret");
			}
			if (this.url == null && this.secret != null) {
				errors.rejectValue(prefix + ".url", "missing", "is missing: a secret was given for events, but no URL");
			}
		}

		/** Where the events go, or null when the client has no event URL. */
		@Nullable EventTarget target() {
			return (this.url != null && this.secret != null) ? new EventTarget(this.url, this.secret) : null;
		}

		@Override
		public String toString() {
			return "Events[url=" + ((this.url != null) ? this.url.getHost() : null) + ", secret=(not shown)]";
		}

	}

	/**
	 * What one client may use at one provider, under
	 * {@code gateway.clients[i].limits.<provider>}; a cap of 0 means none.
	 *
	 * @param maxLive the most sessions OPENING, ACTIVE or ENDING at once
	 * @param opensPerMinute the most opens a minute
	 * @param budgetShare the most of the provider's request budget for opens and reads
	 * this client's opens may use, as a fraction (more than 0, at most 1); unset, an
	 * equal share among the clients allowed at that provider ({@link BudgetShares})
	 */
	record Limits(@DefaultValue("0") int maxLive, @DefaultValue("0") int opensPerMinute, @Nullable Double budgetShare) {

		void validate(String prefix, Errors errors) {
			if (this.maxLive < 0) {
				errors.rejectValue(prefix + ".max-live", "negative", "must be 0 (no cap) or more");
			}
			if (this.opensPerMinute < 0) {
				errors.rejectValue(prefix + ".opens-per-minute", "negative", "must be 0 (no cap) or more");
			}
			if (this.budgetShare != null && !(this.budgetShare > 0 && this.budgetShare <= 1)) {
				errors.rejectValue(prefix + ".budget-share", "out-of-range",
						"must be more than 0 and at most 1: the fraction of the provider's request budget for opens "
								+ "and reads that this client's opens may use");
			}
		}

	}

	/**
	 * Which sessions a client may read and end
	 * ({@code gateway.clients[i].sessions-visible}): every session in its scopes, or only
	 * those it opened itself.
	 */
	enum SessionsVisible {

		SCOPE, OWN

	}

}

package dev.sessiongateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Finds the client a presented key belongs to. Only SHA-256 hashes of keys are
 * configured, and every configured hash is compared in constant time, so the answer takes
 * as long whichever (if any) client matches.
 */
@Component
class ClientKeys {

	private final List<KeyHash> hashes;

	ClientKeys(ClientProperties properties) {
		this.hashes = properties.clients().stream().flatMap((client) -> {
			GatewayClient gatewayClient = new GatewayClient(String.valueOf(client.name()), client.roles(),
					client.allowedScopes(), client.defaultLeaseTtl(), client.caps(),
					client.sessionsVisible() == ClientProperties.SessionsVisible.OWN);
			return client.keySha256()
				.stream()
				.map((hex) -> new KeyHash(HexFormat.of().parseHex(hex.toLowerCase()), gatewayClient));
		}).toList();
	}

	@Nullable GatewayClient find(String presentedKey) {
		KnownKey found = findKey(presentedKey);
		return (found != null) ? found.client() : null;
	}

	/** The client a presented key belongs to, with a reference to that key. */
	@Nullable KnownKey findKey(String presentedKey) {
		byte[] presented = sha256(presentedKey);
		KeyHash found = null;
		for (KeyHash hash : this.hashes) {
			if (MessageDigest.isEqual(hash.sha256(), presented)) {
				found = hash;
			}
		}
		return (found != null) ? new KnownKey(found.client(), found.ref()) : null;
	}

	/**
	 * The client of the configured key with this reference; null once that key is no
	 * longer configured.
	 */
	@Nullable GatewayClient findByRef(String keyRef) {
		for (KeyHash hash : this.hashes) {
			if (hash.ref().equals(keyRef)) {
				return hash.client();
			}
		}
		return null;
	}

	Set<String> clientNames() {
		Set<String> names = new HashSet<>();
		this.hashes.forEach((hash) -> names.add(hash.client().name()));
		return names;
	}

	static byte[] sha256(String key) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A configured key that a presented key matched: its client, and a reference that
	 * names the key without revealing it or its configured hash (a hash of that hash).
	 */
	record KnownKey(GatewayClient client, String ref) {
	}

	private record KeyHash(byte[] sha256, GatewayClient client, String ref) {

		KeyHash(byte[] sha256, GatewayClient client) {
			this(sha256, client,
					HexFormat.of().formatHex(ClientKeys.sha256("key-ref:" + HexFormat.of().formatHex(sha256))));
		}

	}

}

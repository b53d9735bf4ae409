package dev.sessiongateway.konpro;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.sessiongateway.security.ClientScopesAlias;

/**
 * The contract's name for a client's use of Konpro, from before the generic
 * {@code gateway.clients[i].scopes.konpro}: {@code gateway.clients[i].konpro: true} keeps
 * working beside it, and allows every scope ({@code *}).
 */
@Configuration(proxyBeanMethods = false)
class KonproClientScopes {

	@Bean
	static ClientScopesAlias konpro() {
		return ClientScopesAlias.everyScopeWhenTrue("konpro", KonproSessions.PROVIDER);
	}

}
